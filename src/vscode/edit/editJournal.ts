import * as vscode from 'vscode';
import type { BatonLog } from '../log';
import type { DroppedEdit, PendingEdit } from './pendingEdit';

const JOURNAL_KEY = 'baton.edit.pending';
const REJECTED_KEY = 'baton.edit.lastDropped';

/** A pending edit as the document showed it last: enough to take it out again, or to show it. */
interface Entry {
  uri: string;
  /** Offset of the region in the document. */
  start: number;
  /** What the region shows (original and new lines mixed). */
  shown: string;
  /** The region without the edit. */
  original: string;
  /** The region with the edit accepted. */
  proposed: string;
}

interface StoredDropped {
  uri: string;
  fileName: string;
  original: string;
  proposed: string;
  how: DroppedEdit['how'];
}

/**
 * Writes down, in the workspace state, what every pending edit shows in its document, so that a
 * Reload Window or a crash of the extension host never leaves a file holding both versions with
 * no Accept or Reject. On the next activation, {@link recover} puts the original back wherever
 * the document still shows exactly what was written down, and offers the edit as a diff. Also
 * keeps the last rejected (or cancelled) edit, for Show Rejected Edit.
 */
export class EditJournal {
  private entries: Record<string, Entry>;

  constructor(private readonly memento: vscode.Memento, private readonly log: BatonLog) {
    const stored = memento.get<unknown>(JOURNAL_KEY);
    this.entries = stored && typeof stored === 'object' ? { ...(stored as Record<string, Entry>) } : {};
  }

  /**
   * Records the edit's region as it is now. Called after every change Baton makes to the region
   * (a streamed edit writes every 50 ms or so; the record is a few kilobytes of workspace state).
   */
  record(edit: PendingEdit): void {
    if (edit.state === 'finished') return;
    const uri = edit.document.uri.toString();
    const text = edit.region.text;
    this.entries[uri] = { uri, start: edit.region.start, shown: text.text, original: text.outcome('reject'), proposed: text.outcome('accept') };
    void this.memento.update(JOURNAL_KEY, this.entries);
  }

  /** The edit ended, its outcome written: nothing to recover. */
  forget(uri: vscode.Uri): void {
    const key = uri.toString();
    if (!(key in this.entries)) return;
    delete this.entries[key];
    void this.memento.update(JOURNAL_KEY, this.entries);
  }

  async rememberDropped(dropped: DroppedEdit): Promise<void> {
    const stored: StoredDropped = { uri: dropped.uri.toString(), fileName: dropped.fileName, original: dropped.original, proposed: dropped.proposed, how: dropped.how };
    await this.memento.update(REJECTED_KEY, stored);
  }

  lastDropped(): StoredDropped | undefined {
    const stored = this.memento.get<StoredDropped>(REJECTED_KEY);
    return stored && typeof stored.proposed === 'string' && typeof stored.original === 'string' ? stored : undefined;
  }

  /**
   * Takes out the edits a previous session left in documents: where the document still shows
   * exactly what was written down, the original goes back. Returns what was recovered, so the
   * person can be told and offered the edit.
   */
  async recover(): Promise<{ uri: vscode.Uri; original: string; proposed: string; restored: boolean }[]> {
    const entries = Object.values(this.entries);
    if (!entries.length) return [];
    this.entries = {};
    await this.memento.update(JOURNAL_KEY, this.entries);
    const recovered = [];
    for (const entry of entries) {
      const uri = vscode.Uri.parse(entry.uri);
      let document: vscode.TextDocument;
      try {
        // Opening the document gives its unsaved text, from the editor's hot-exit backup.
        document = await vscode.workspace.openTextDocument(uri);
      } catch (error) {
        this.log.warn(`edit: could not open ${uri.toString(true)} to take out an interrupted edit: ${(error as Error).message}`);
        continue;
      }
      if (entry.shown === entry.original) continue;
      const text = document.getText();
      const at = text.slice(entry.start, entry.start + entry.shown.length) === entry.shown ? entry.start : uniqueIndex(text, entry.shown);
      if (at < 0) {
        this.log.info(`edit: an edit interrupted in ${vscode.workspace.asRelativePath(uri, false)} is no longer in the document; left it as it is`);
        if (text.includes(entry.original)) continue;
        recovered.push({ uri, original: entry.original, proposed: entry.proposed, restored: false });
        continue;
      }
      const edit = new vscode.WorkspaceEdit();
      edit.replace(uri, new vscode.Range(document.positionAt(at), document.positionAt(at + entry.shown.length)), entry.original);
      const restored = await vscode.workspace.applyEdit(edit);
      this.log.info(`edit: ${restored ? 'took out' : 'could not take out'} an edit that a reload or crash interrupted in ${vscode.workspace.asRelativePath(uri, false)}`);
      recovered.push({ uri, original: entry.original, proposed: entry.proposed, restored });
    }
    return recovered;
  }
}

/** The offset of `part` in `text` when it occurs exactly once, else -1. */
function uniqueIndex(text: string, part: string): number {
  const first = text.indexOf(part);
  return first >= 0 && text.indexOf(part, first + 1) < 0 ? first : -1;
}
