import * as vscode from 'vscode';
import { registerChat } from './chat';
import { ChatStore } from './chat/chatStore';
import { BatonConfig } from './config';
import { registerInlineEdit } from './edit';
import { registerKeyCommands } from './keyCommands';
import { KeyStore } from './keys';
import { registerLanguageModels } from './lm';
import { BatonLog } from './log';
import { ModelManager, registerManageModels } from './manage/manageModels';
import { registerModelCommands } from './modelCommands';
import { BatonSession } from './session';
import { StatusIndicator } from './statusBar';
import { publishTestHooks, testHooksEnabled } from './testHooks';

/**
 * Exports nothing. Whatever `activate()` returns, any installed extension can read with
 * `getExtension('baton-dev.baton').activate()`; Baton's session holds the user's keys and spends
 * their quota, so none of it is handed out. The host suite reaches what it needs through
 * {@link publishTestHooks}, which exists only when the editor runs Baton under test.
 */
export function activate(context: vscode.ExtensionContext): void {
  // The key store asks the settings where models point; the settings need the store to move keys.
  const keys: KeyStore = new KeyStore(context.secrets, { models: () => config.settings.models, modelsScope: () => config.modelsScope() });
  const log = new BatonLog(() => keys.known());
  const status = new StatusIndicator((text) => log.clean(text));
  const config = new BatonConfig(log, keys);
  const session = new BatonSession(config, keys, log, status);
  const models = new ModelManager(config, keys, log);
  const chats = new ChatStore(context.workspaceState, log);
  context.subscriptions.push(
    log, status, config,
    config.onDidChange(() => status.setDefaultModel(session.defaultModel)),
    config.onDidChange((settings) => void keys.learnStoredKeys(settings.models)),
    keys.onDidChange(() => void keys.learnStoredKeys(config.settings.models)),
    ...registerKeyCommands(config, keys, log, { scriptedKeys: testHooksEnabled(context) }),
    ...registerModelCommands(config, keys, log, status),
    ...registerChat(context, session, chats),
    ...registerInlineEdit(context, session),
    registerManageModels(models),
    ...registerLanguageModels(context, session, models),
    publishTestHooks(context, { logUri: context.logUri, session, chats, workspaceState: context.workspaceState, ChatStore }),
  );
  config.reload();
  status.setDefaultModel(session.defaultModel);
  void keys.learnStoredKeys(config.settings.models);
}

export function deactivate(): void {}
