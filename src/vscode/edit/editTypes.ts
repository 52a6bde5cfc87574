import type * as vscode from 'vscode';
import type { PendingEdit } from './pendingEdit';

/**
 * `streaming` → `ready` (waiting for Accept or Reject) → `finishing` (writing the outcome) →
 * `finished`. `incomplete` instead of `ready` when the person typed inside the region while it
 * streamed: the stream stopped there, and the region holds the new beginning and the old end.
 */
export type EditState = 'streaming' | 'ready' | 'incomplete' | 'finishing' | 'finished';

export type EditResult =
  | { status: 'ready' }
  | { status: 'incomplete' }
  | { status: 'cancelled' }
  | { status: 'failed'; error: unknown; partial: string };

/** What a rejected or cancelled edit had proposed, kept so it can be looked at again. */
export interface DroppedEdit {
  uri: vscode.Uri;
  fileName: string;
  /** The region as it is now: the original (with whatever the person typed in it). */
  original: string;
  /** The region as Accept would have left it. */
  proposed: string;
  /** Why it was dropped. */
  how: 'rejected' | 'cancelled' | 'set aside';
}

/** Where a pending edit reports what must survive it: its region for a reload, what it proposed for Show Rejected Edit. */
export interface EditWitness {
  /** The region changed (or moved): its current text and offset. */
  shown(edit: PendingEdit): void;
  /** The edit ended; `dropped` when it was rejected or cancelled. */
  ended(edit: PendingEdit, dropped?: DroppedEdit): void;
}
