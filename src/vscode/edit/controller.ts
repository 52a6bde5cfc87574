import * as vscode from 'vscode';
import { buildEditRequest, contextAbove, contextBelow } from '../../core/edit/prompt';
import { describeKind } from '../../core/errors';
import { keptLines } from '../../core/edit/lineDiff';
import { describeStep, RouterError } from '../../core/router/routerError';
import type { BatonSession } from '../session';
import { EditDecorations } from './decorations';
import { EditJournal } from './editJournal';
import { askInstruction, InstructionHistory } from './instructionInput';
import { PartialView } from './partialView';
import { DroppedEdit, EditResult, EditWitness, PendingEdit } from './pendingEdit';
import { EditTarget, targetFor, targetOffsets } from './target';

/** What `baton.editSelection` resolves to, for keybindings with arguments and for tests. */
export type EditCommandResult = EditResult['status'] | 'busy' | 'no-editor' | 'no-instruction';

/**
 * The inline edits of all open documents: at most one pending edit per document. Starts edits,
 * routes document changes and saves to them, keeps the `baton.editPending` context key in step
 * with the active editor, reports edits that could not be finished, keeps the last rejected edit
 * for Show Rejected Edit, and takes out edits that a reload or a crash left in a document.
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
  private readonly journal: EditJournal;
  private readonly witness: EditWitness;

  constructor(globalState: vscode.Memento, workspaceState: vscode.Memento, private readonly session: BatonSession) {
    this.history = new InstructionHistory(globalState);
    this.journal = new EditJournal(workspaceState, session.log);
    this.witness = {
      shown: (edit) => this.journal.record(edit),
      ended: (edit, dropped) => {
        this.journal.forget(edit.document.uri);
        if (dropped) void this.onDropped(dropped);
      },
    };
    this.subscriptions = [
      this.decorations, this.partials, this.changed,
      vscode.workspace.onDidChangeTextDocument((event) => this.editFor(event.document)?.onDocumentChange(event)),
      // The file on disk is the original or the accepted edit, never the mix on screen.
      vscode.workspace.onWillSaveTextDocument((event) => {
        const edit = this.editFor(event.document);
        if (edit) event.waitUntil(edit.beforeSave(event.reason));
      }),
      vscode.workspace.onDidSaveTextDocument((document) => void this.editFor(document)?.afterSave()),
      // An edit parked by auto save on focus change comes back when the person does.
      vscode.window.onDidChangeWindowState((state) => { if (state.focused) this.unparkActive(); }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        // Closed without saving or saved (as the original): either way nothing is left to take out.
        this.journal.forget(document.uri);
        this.drop(document);
      }),
      vscode.window.onDidChangeActiveTextEditor(() => {
        this.updateContext();
        this.unparkActive();
      }),
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
    if (edit.state === 'incomplete') return this.acceptIncomplete(edit);
    return edit.accept();
  }

  /** An incomplete edit is kept only when the person says so, in a modal: never on one key. */
  private async acceptIncomplete(edit: PendingEdit): Promise<boolean> {
    const keep = 'Keep Incomplete Code';
    const { added, pending } = edit.progress;
    const choice = await vscode.window.showWarningMessage('Keep an incomplete edit?', {
      modal: true,
      detail: `The model stopped when you typed inside the edit. It had written ${added} new line${added === 1 ? '' : 's'}; ` +
        `${pending} line${pending === 1 ? '' : 's'} of the old code below ${pending === 1 ? 'was' : 'were'} never reached, and will stay as ${pending === 1 ? 'it is' : 'they are'}. ` +
        'The result is likely broken code. Reject instead to get your original back.',
    }, keep);
    return choice === keep ? edit.accept({ incomplete: true }) : false;
  }

  /** An edit parked by auto save on focus or window change, in the active editor, comes back into view. */
  private unparkActive(): void {
    const document = vscode.window.activeTextEditor?.document;
    const edit = document && this.editFor(document);
    if (edit?.parked && edit.parked.by !== vscode.TextDocumentSaveReason.AfterDelay) void edit.unpark();
  }

  /** `Baton: Show Pending Edit`: the pending edit of the active file as a diff beside it. */
  async showPending(uri?: vscode.Uri): Promise<boolean> {
    const edit = this.target(uri);
    if (!edit) return false;
    const lines = edit.parked?.lines ?? edit.region.text.lines;
    const text = (outcome: 'accept' | 'reject') => edit.region.text.join(keptLines(lines, outcome));
    await this.partials.show(edit.document.fileName, text('reject'), text('accept'), 'pending edit', { beside: true });
    return true;
  }

  /** `Baton: Show Rejected Edit`: the last rejected or cancelled edit beside the code it would have replaced. */
  async showRejected(): Promise<boolean> {
    const dropped = this.journal.lastDropped();
    if (!dropped) {
      void vscode.window.showInformationMessage('Baton: no rejected edit to show in this workspace.');
      return false;
    }
    await this.partials.show(dropped.fileName, dropped.original, dropped.proposed, dropped.how === 'rejected' ? 'rejected edit' : `${dropped.how} edit`);
    return true;
  }

  private async onDropped(dropped: DroppedEdit): Promise<void> {
    await this.journal.rememberDropped(dropped);
    const why = dropped.how === 'set aside' ? 'set aside (you edited the code while it waited, hidden)' : dropped.how;
    vscode.window.setStatusBarMessage(`$(discard) Baton: edit ${why}; "Baton: Show Rejected Edit" shows it again`, 8000);
  }

  /**
   * Takes out the edits a reload or a crash of the extension host left in documents (they hold
   * old and new lines mixed, with no Accept or Reject), and says so, offering the edit as a diff.
   */
  async recoverInterrupted(): Promise<void> {
    const recovered = await this.journal.recover();
    for (const { uri, original, proposed, restored } of recovered) {
      const name = vscode.workspace.asRelativePath(uri, false);
      const message = restored
        ? `Baton: an inline edit in ${name} was interrupted (the window reloaded or the extension host stopped). Your original code is back; the edit was not applied.`
        : `Baton: an inline edit in ${name} was interrupted, and the file has changed since, so Baton left it as it is. Check it for a mix of old and new lines.`;
      void vscode.window.showWarningMessage(message, 'Show Edit').then((choice) => {
        if (choice) void this.partials.show(uri.path, original, proposed, 'interrupted edit');
      });
    }
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
    return new PendingEdit(document, start, document.getText().slice(start, end), request, this.session, this.decorations, this.witness);
  }

  private onEditChanged(edit: PendingEdit): void {
    if (edit.state === 'finished') this.drop(edit.document);
    else if (edit.region.broken) void this.letGo(edit);
    this.updateContext();
    this.changed.fire();
  }

  /** The person edited across the region's edge: Baton can no longer tell its lines apart. */
  private async letGo(edit: PendingEdit): Promise<void> {
    this.journal.forget(edit.document.uri);
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
    const edit = document && this.editFor(document);
    const pending = !!edit;
    if (pending === this.contextValue) return;
    this.contextValue = pending;
    void vscode.commands.executeCommand('setContext', 'baton.editPending', pending);
  }

  private async offerPending(edit: PendingEdit): Promise<void> {
    const actions = edit.state === 'ready' ? ['Accept', 'Reject'] : edit.state === 'incomplete' ? ['Reject'] : ['Cancel Edit'];
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

  /** The window is closing or reloading: edits stop, and stay in the journal for the next activation. */
  dispose(): void {
    for (const edit of this.edits.values()) edit.dispose();
    this.edits.clear();
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
