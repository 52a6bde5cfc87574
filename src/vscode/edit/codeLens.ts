import * as vscode from 'vscode';
import type { PendingEdit } from './pendingEdit';

const mac = process.platform === 'darwin';
const ACCEPT_KEY = mac ? '⌘Enter' : 'Ctrl+Enter';

/**
 * Accept and Reject above a pending edit, and while it streams, which model is writing and a way
 * to cancel. After a handover it says which backup took over, as the status bar does.
 */
export class PendingEditLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly editFor: (document: vscode.TextDocument) => PendingEdit | undefined) {}

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const edit = this.editFor(document);
    if (!edit || edit.state === 'finished') return [];
    const line = Math.min(edit.firstLine, document.lineCount - 1);
    const range = new vscode.Range(line, 0, line, 0);
    const lens = (title: string, command = '', tooltip?: string) =>
      new vscode.CodeLens(range, { title, command, tooltip, arguments: command ? [document.uri] : undefined });
    const lenses: vscode.CodeLens[] = [];
    if (edit.state === 'streaming') {
      lenses.push(lens(`$(loading~spin) Baton is editing with ${edit.model}…`));
      lenses.push(lens('Cancel (Esc)', 'baton.rejectEdit', 'Stop the edit and restore the original code'));
    } else if (edit.parked) {
      lenses.push(lens('$(eye-closed) Waiting, hidden: auto save kept your file as it was'));
      lenses.push(lens('$(diff) Show Edit', 'baton.showPendingEdit', 'See the edit beside the file'));
      if (edit.state === 'incomplete') lenses.push(lens('Keep Incomplete Code…', 'baton.acceptEdit', 'Keep the lines as they were, new beginning and old end; asks first'));
      else lenses.push(lens(`$(check) Accept (${ACCEPT_KEY})`, 'baton.acceptEdit', 'Write the new code (one Undo brings the original back)'));
      lenses.push(lens('$(discard) Reject (Esc)', 'baton.rejectEdit', 'Drop the edit; your file stays as it is'));
    } else if (edit.state === 'incomplete') {
      // No one-key Accept: the region holds the new beginning and the old end.
      lenses.push(lens('$(warning) Incomplete: the model stopped when you typed inside the edit'));
      lenses.push(lens('Keep Incomplete Code…', 'baton.acceptEdit', 'Keep the lines as they are now, new beginning and old end; asks first'));
      lenses.push(lens('$(discard) Reject (Esc)', 'baton.rejectEdit', 'Restore the original code, with what you typed'));
    } else {
      const { added, removed } = edit.counts;
      lenses.push(lens(`$(check) Accept (${ACCEPT_KEY})`, 'baton.acceptEdit', 'Keep the new code (one Undo brings the original back)'));
      lenses.push(lens('$(discard) Reject (Esc)', 'baton.rejectEdit', 'Restore the original code'));
      lenses.push(lens(`+${added} −${removed}`));
      if (edit.finishReason === 'length') lenses.push(lens('$(warning) The model hit its output limit: the edit may be cut short'));
    }
    if (edit.handover) {
      lenses.push(lens(`$(warning) ${edit.handover.from} dropped at ${edit.handover.at.toLocaleString('en-US')} chars; ${edit.handover.to} continued`, 'baton.showHandovers'));
    }
    return lenses;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
