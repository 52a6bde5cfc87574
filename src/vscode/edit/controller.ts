import * as vscode from 'vscode';
import { buildEditRequest, contextAbove, contextBelow } from '../../core/edit/prompt';
import { describeKind } from '../../core/errors';
import { describeStep, RouterError } from '../../core/router/routerError';
import type { BatonSession } from '../session';
import { EditDecorations } from './decorations';
import { askInstruction, InstructionHistory } from './instructionInput';
import { PartialView } from './partialView';
import { EditResult, PendingEdit } from './pendingEdit';
import { EditTarget, targetFor, targetOffsets } from './target';

/** What `baton.editSelection` resolves to, for keybindings with arguments and for tests. */
export type EditCommandResult = EditResult['status'] | 'busy' | 'no-editor' | 'no-instruction';

/**
 * The inline edits of all open documents: at most one pending edit per document. Starts edits,
 * routes document changes to them, keeps the `baton.editPending` context key in step with the
 * active editor, and reports edits that could not be finished.
 */
export class InlineEditController implements vscode.Disposable {
  private readonly edits = new Map<string, PendingEdit>();
  private readonly decorations = new EditDecorations();
  private readonly partials = new PartialView();
  private readonly history: InstructionHistory;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when an edit starts, changes state or ends. */
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  private contextValue = false;

  constructor(globalState: vscode.Memento, private readonly session: BatonSession) {
    this.history = new InstructionHistory(globalState);
    this.subscriptions = [
      this.decorations, this.partials, this.changed,
      vscode.workspace.onDidChangeTextDocument((event) => this.editFor(event.document)?.onDocumentChange(event)),
      vscode.workspace.onDidCloseTextDocument((document) => this.drop(document)),
      vscode.window.onDidChangeActiveTextEditor(() => this.updateContext()),
      // Decorations belong to editors: draw them again in an editor that comes into view, and catch
      // up with a stream that could not be written while no editor showed the document.
      vscode.window.onDidChangeVisibleTextEditors((editors) => {
        for (const editor of editors) {
          const edit = this.editFor(editor.document);
          if (edit) void edit.render().then(() => edit.paint());
        }
      }),
    ];
  }

  editFor(document: vscode.TextDocument): PendingEdit | undefined {
    return this.edits.get(document.uri.toString());
  }

  /** `Baton: Edit Selection`: asks for the instruction (unless given) and streams the edit. */
  async start(instruction?: string): Promise<EditCommandResult> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage('Baton: open a file and select the code to edit first.');
      return 'no-editor';
    }
    const existing = this.editFor(editor.document);
    if (existing) {
      void this.offerPending(existing);
      return 'busy';
    }
    const target = targetFor(editor);
    const text = instruction?.trim() || await askInstruction(this.history, `Baton: Edit ${target.label}`);
    if (!text) return 'no-instruction';
    if (this.editFor(editor.document)) return 'busy';
    void this.history.remember(text);
    const edit = this.createEdit(editor, target, text);
    this.edits.set(editor.document.uri.toString(), edit);
    edit.onDidChange(() => this.onEditChanged(edit));
    this.onEditChanged(edit);
    const result = await edit.start();
    if (result.status === 'failed') void this.reportFailure(edit, target, result);
    return result.status;
  }

  async accept(uri?: vscode.Uri): Promise<boolean> {
    const edit = this.target(uri);
    if (!edit) return false;
    if (edit.state === 'streaming') {
      vscode.window.setStatusBarMessage('$(loading~spin) Baton: the edit is still streaming; Escape cancels it', 3000);
      return false;
    }
    return edit.accept();
  }

  async reject(uri?: vscode.Uri): Promise<boolean> {
    const edit = this.target(uri);
    return edit ? edit.reject() : false;
  }

  private target(uri?: vscode.Uri): PendingEdit | undefined {
    const document = uri ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) : vscode.window.activeTextEditor?.document;
    return document && this.editFor(document);
  }

  private createEdit(editor: vscode.TextEditor, target: EditTarget, instruction: string): PendingEdit {
    const { document } = editor;
    const { start, end } = targetOffsets(document, target);
    const lines = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, i) => document.lineAt(from + i).text);
    const code = lines(target.firstLine, target.lastLine + 1).join('\n');
    const request = buildEditRequest({
      instruction,
      languageId: document.languageId,
      fileName: vscode.workspace.asRelativePath(document.uri, false),
      code,
      firstLine: target.firstLine + 1,
      lastLine: target.lastLine + 1,
      before: target.scope === 'file' ? '' : contextAbove(lines(0, target.firstLine)),
      after: target.scope === 'file' ? '' : contextBelow(lines(target.lastLine + 1, document.lineCount)),
      what: target.what,
    });
    const startPosition = document.positionAt(start);
    editor.selection = new vscode.Selection(startPosition, startPosition);
    editor.revealRange(new vscode.Range(startPosition, document.positionAt(end)), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return new PendingEdit(document, start, document.getText().slice(start, end), request, this.session, this.decorations);
  }

  private onEditChanged(edit: PendingEdit): void {
    if (edit.state === 'finished') this.drop(edit.document);
    else if (edit.region.broken) void this.letGo(edit);
    this.updateContext();
    this.changed.fire();
  }

  /** The person edited across the region's edge: Baton can no longer tell its lines apart. */
  private async letGo(edit: PendingEdit): Promise<void> {
    this.drop(edit.document);
    void vscode.window.showWarningMessage('Baton: the pending edit was changed across its edges, so Baton left the text as it is. Undo steps back through it.');
  }

  private drop(document: vscode.TextDocument): void {
    const edit = this.editFor(document);
    if (!edit) return;
    this.edits.delete(document.uri.toString());
    if (edit.state !== 'finished') this.decorations.clear(document);
    edit.dispose();
    this.updateContext();
    this.changed.fire();
  }

  private updateContext(): void {
    const document = vscode.window.activeTextEditor?.document;
    const pending = !!document && !!this.editFor(document);
    if (pending === this.contextValue) return;
    this.contextValue = pending;
    void vscode.commands.executeCommand('setContext', 'baton.editPending', pending);
  }

  private async offerPending(edit: PendingEdit): Promise<void> {
    const actions = edit.state === 'ready' ? ['Accept', 'Reject'] : ['Cancel Edit'];
    const choice = await vscode.window.showInformationMessage('Baton: this file already has a pending edit. Finish it first: one edit per file at a time.', ...actions);
    if (choice === 'Accept') await edit.accept();
    else if (choice === 'Reject' || choice === 'Cancel Edit') await edit.reject();
  }

  /** The whole chain failed: the code is back as it was; say why, and offer what was written. */
  private async reportFailure(edit: PendingEdit, target: EditTarget, result: Extract<EditResult, { status: 'failed' }>): Promise<void> {
    const { log } = this.session;
    const reason = result.error instanceof RouterError
      ? result.error.steps.map((step) => `${step.model}: ${describeStep(step)}`).join('; ') || describeKind(result.error.kind)
      : result.error instanceof Error ? result.error.message : String(result.error);
    const lines = result.partial ? result.partial.split('\n').length : 0;
    const offer = lines ? ` The models had written ${lines} line${lines > 1 ? 's' : ''}; they were not applied.` : '';
    const actions = lines ? ['Show Partial', 'Show Log'] : ['Show Log'];
    log.warn(`edit: rolled back ${target.label} in ${vscode.workspace.asRelativePath(edit.document.uri, false)}`);
    const choice = await vscode.window.showErrorMessage(`Baton could not finish the edit, so your code is unchanged. ${log.clean(reason)}.${offer}`, ...actions);
    if (choice === 'Show Log') log.show();
    if (choice === 'Show Partial') await this.partials.show(edit.document.fileName, edit.region.text.outcome('reject'), result.partial);
  }

  dispose(): void {
    for (const edit of this.edits.values()) edit.dispose();
    this.edits.clear();
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
