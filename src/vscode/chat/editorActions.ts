import * as vscode from 'vscode';
import type { CodeAction } from '../../core/protocol/messages';
import type { BatonLog } from '../log';
import { isAttachable } from './attachments';

/**
 * The text editor the panel acts on: the active one, or, while focus is in the panel, the one the
 * user was last in.
 */
export class EditorTracker implements vscode.Disposable {
  private last?: vscode.TextEditor;
  private readonly subscription: vscode.Disposable;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor() {
    this.last = this.attachable(vscode.window.activeTextEditor);
    this.subscription = vscode.window.onDidChangeActiveTextEditor((editor) => {
      this.last = this.attachable(editor) ?? this.last;
      this.changed.fire();
    });
  }

  get editor(): vscode.TextEditor | undefined {
    const active = this.attachable(vscode.window.activeTextEditor);
    if (active) return active;
    return this.stillOpen(this.last) ? this.last : undefined;
  }

  private attachable(editor: vscode.TextEditor | undefined): vscode.TextEditor | undefined {
    return editor && isAttachable(editor.document) ? editor : undefined;
  }

  private stillOpen(editor: vscode.TextEditor | undefined): boolean {
    return !!editor && !editor.document.isClosed && vscode.window.visibleTextEditors.some((e) => e.document === editor.document);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/**
 * Runs a code block's button on a real editor. Copy writes the clipboard; Insert puts the code at
 * each cursor; Apply replaces the selection. Each edit is one undo step. Returns the line to show
 * in the panel.
 */
export async function runCodeAction(action: CodeAction, code: string, editors: EditorTracker): Promise<{ ok: boolean; text: string }> {
  if (action === 'copy') {
    await vscode.env.clipboard.writeText(code);
    return { ok: true, text: 'Copied to the clipboard.' };
  }
  const editor = editors.editor;
  if (!editor) return { ok: false, text: 'Open a file first: there is no editor to put the code in.' };
  const selections = editor.selections;
  const applied = await editor.edit((edit) => {
    if (action === 'apply') edit.replace(editor.selection, code);
    else for (const selection of selections) edit.insert(selection.active, code);
  }, { undoStopBefore: true, undoStopAfter: true });
  if (!applied) return { ok: false, text: 'The editor refused the edit (is it read-only?).' };
  await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
  const lines = code.split('\n').length;
  const what = `${lines} line${lines === 1 ? '' : 's'}`;
  return { ok: true, text: action === 'apply' ? `Replaced the selection with ${what}.` : `Inserted ${what} at the cursor.` };
}

/** Opens a link from an answer, in the browser, when it is http or https; anything else is refused. */
export async function openLink(href: string, log: BatonLog): Promise<boolean> {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    log.warn(`chat: refused to open a link that is not a URL: ${log.clean(href.slice(0, 200))}`);
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    log.warn(`chat: refused to open a ${url.protocol} link; only http and https open`);
    return false;
  }
  log.info(`chat: opening ${log.clean(url.href)}`);
  return vscode.env.openExternal(vscode.Uri.parse(url.href, true));
}
