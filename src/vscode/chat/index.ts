import * as vscode from 'vscode';
import type { WebviewMessage } from '../../core/protocol/messages';
import type { BatonSession } from '../session';
import { fileAttachment, selectionAttachment } from './attachments';
import { ChatController } from './chatController';
import type { ChatStore } from './chatStore';
import { ChatView } from './chatView';
import { EditorTracker, openLink, runCodeAction } from './editorActions';

/** The chat panel in Baton's activity-bar container, and its commands. */
export function registerChat(context: vscode.ExtensionContext, session: BatonSession, store: ChatStore): vscode.Disposable[] {
  const { log } = session;
  const view = new ChatView(context.extensionUri, log);
  const editors = new EditorTracker();
  const controller = new ChatController(session, store, editors, (message) => view.post(message));
  store.onDidSetAside(() => view.post({ type: 'notice', level: 'error', text: 'A stored chat could not be read, so Baton set it aside unchanged instead of loading it. Baton: Show Log says where.' }));
  controller.restore();

  const handle = async (message: WebviewMessage): Promise<void> => {
    switch (message.type) {
      case 'ready':
        view.deliverSnapshot(controller.snapshot());
        return;
      case 'send':
        return controller.send(message.text);
      case 'stop':
        return controller.stop();
      case 'regenerate':
        return controller.regenerate();
      case 'newChat':
        return controller.newChat();
      case 'showHistory':
        return controller.showHistory();
      case 'openChat':
        return controller.openChat(message.chatId);
      case 'deleteChat':
        return controller.deleteChat(message.chatId);
      case 'selectModel':
        return controller.selectModel(message.modelId);
      case 'attachActiveFile': {
        const document = editors.editor?.document;
        if (document) controller.attach(fileAttachment(document));
        else view.post({ type: 'notice', level: 'error', text: 'There is no active file to attach.' });
        return;
      }
      case 'removeAttachment':
        return controller.removeAttachment(message.index);
      case 'codeAction': {
        const result = await runCodeAction(message.action, message.code, editors);
        view.post({ type: 'notice', level: result.ok ? 'info' : 'error', text: result.text });
        return;
      }
      case 'openLink':
        if (!(await openLink(message.href, log))) view.post({ type: 'notice', level: 'error', text: 'Baton opens only http and https links.' });
        return;
      case 'openSettings':
        await vscode.commands.executeCommand('workbench.action.openSettings', `@ext:${context.extension.id}`);
        return;
      case 'setApiKey':
        await vscode.commands.executeCommand('baton.setApiKey');
        return;
      case 'manageModels':
        await vscode.commands.executeCommand('baton.manageModels');
        return;
      case 'log':
        log[message.level](`chat webview: ${message.message}`);
        return;
    }
  };

  const askAboutSelection = async () => {
    const editor = vscode.window.activeTextEditor ?? editors.editor;
    const attachment = editor && selectionAttachment(editor);
    if (!attachment) {
      void vscode.window.showInformationMessage('Baton: select some code first, then ask about it.');
      return;
    }
    controller.attach(attachment);
    await view.reveal();
    view.post({ type: 'focus' });
  };

  return [
    view, editors, controller,
    vscode.window.registerWebviewViewProvider(ChatView.id, view),
    view.onDidReceive((message) => handle(message).catch((error) => log.error(`chat: ${message.type} failed: ${error?.stack ?? error}`))),
    editors.onDidChange(() => view.post({ type: 'composer', composer: controller.composer() })),
    session.config.onDidChange(() => view.post({ type: 'composer', composer: controller.composer() })),
    vscode.commands.registerCommand('baton.openChat', async () => {
      await view.reveal();
      view.post({ type: 'focus' });
    }),
    vscode.commands.registerCommand('baton.newChat', async () => {
      await view.reveal();
      controller.newChat();
    }),
    vscode.commands.registerCommand('baton.showChatHistory', async () => {
      await view.reveal();
      controller.showHistory();
    }),
    vscode.commands.registerCommand('baton.askAboutSelection', askAboutSelection),
  ];
}
