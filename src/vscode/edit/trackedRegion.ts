import * as vscode from 'vscode';
import type { DiffLine } from '../../core/edit/lineDiff';
import { minimalEdit, RegionText } from '../../core/edit/regionText';

/** How a write groups with the undo history: VS Code's undo stops before and after it. */
export interface UndoStops {
  before: boolean;
  after: boolean;
}

interface ExpectedChange {
  offset: number;
  length: number;
  text: string;
  lines: DiffLine[];
}

const MAX_ATTEMPTS = 20;

/**
 * The lines of a document that a pending edit owns, followed through every change to the document.
 * Baton's own writes are recognised by their exact range and text; anything else is someone else's:
 * above the region it moves the region, below it changes nothing, inside it is taken into the
 * region's lines (and marks the region as touched), across its edge it breaks the region.
 */
export class TrackedRegion implements vscode.Disposable {
  /** Offset of the region's first character in the document. */
  start: number;
  readonly text: RegionText;
  /** Changes that were not Baton's, anywhere in the document, since the region was created. */
  foreignEdits = 0;
  /** Someone edited inside the region. */
  touched = false;
  /** An edit crossed the region's edge; its lines can no longer be told apart. */
  broken = false;
  /** Baton has changed the document at least once. */
  wroteAny = false;
  /** The document's last change was Baton's own (so a write without an undo stop joins Baton's group). */
  ownWriteIsLatest = false;
  private expected?: ExpectedChange;
  private readonly touchedEmitter = new vscode.EventEmitter<void>();
  /** Fires on the first edit by someone else inside (or across) the region. */
  readonly onDidTouch = this.touchedEmitter.event;

  constructor(readonly document: vscode.TextDocument, start: number, original: RegionText) {
    this.start = start;
    this.text = original;
  }

  get end(): number {
    return this.start + this.text.text.length;
  }

  get range(): vscode.Range {
    return new vscode.Range(this.document.positionAt(this.start), this.document.positionAt(this.end));
  }

  /** Feed every change event of the document. */
  onDocumentChange(event: vscode.TextDocumentChangeEvent): void {
    const expected = this.expected;
    if (expected && event.contentChanges.length === 1) {
      const [change] = event.contentChanges;
      if (change.rangeOffset === expected.offset && change.rangeLength === expected.length && change.text === expected.text) {
        this.text.lines = expected.lines;
        this.expected = undefined;
        this.wroteAny = true;
        this.ownWriteIsLatest = true;
        return;
      }
    }
    if (event.contentChanges.length === 0) return;
    this.foreignEdits++;
    this.ownWriteIsLatest = false;
    for (const change of event.contentChanges) this.takeForeign(change);
  }

  private takeForeign(change: vscode.TextDocumentContentChangeEvent): void {
    if (this.broken) return;
    const offset = change.rangeOffset;
    const end = offset + change.rangeLength;
    const delta = change.text.length - change.rangeLength;
    if (end <= this.start) {
      this.start += delta;
      return;
    }
    if (offset >= this.end) return;
    const wasTouched = this.touched;
    this.touched = true;
    if (offset < this.start || end > this.end || !this.text.applyEdit(offset - this.start, change.rangeLength, change.text)) {
      this.broken = true;
    }
    if (!wasTouched) this.touchedEmitter.fire();
  }

  /**
   * Makes the region show `lines`, changing only the part that differs. Returns false when it
   * could not (the region was touched, unless `evenIfTouched` says `lines` already carry the
   * person's typing, or broken, or no editor shows the document and `hidden` is not allowed). Retries when the person typed at the same moment and the editor refused the
   * stale edit.
   */
  async write(lines: DiffLine[], stops: UndoStops, options: { hidden?: boolean; evenIfTouched?: boolean } = {}): Promise<boolean> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if ((this.touched && !options.evenIfTouched) || this.broken || this.document.isClosed) return false;
      const edit = minimalEdit(this.text.text, new RegionText(lines, this.text.eol, this.text.trailingEol).text);
      if (!edit) {
        this.text.lines = lines;
        return true;
      }
      const applied = await this.apply(edit.start, edit.end, edit.text, lines, stops, options.hidden ?? false);
      if (applied === 'no-editor') return false;
      if (applied === 'applied') return true;
    }
    return false;
  }

  /** Replaces the whole region with `text` (the accepted or rejected outcome); the region ends. */
  async replaceAll(text: string, stops: UndoStops): Promise<boolean> {
    const lines: DiffLine[] = RegionText.original(text, this.text.eol).lines;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (this.broken || this.document.isClosed) return false;
      const edit = minimalEdit(this.text.text, text);
      if (!edit) return true;
      const applied = await this.apply(edit.start, edit.end, edit.text, lines, stops, true);
      if (applied === 'applied') return true;
    }
    return false;
  }

  private async apply(start: number, end: number, text: string, lines: DiffLine[], stops: UndoStops, hidden: boolean): Promise<'applied' | 'stale' | 'no-editor'> {
    const document = this.document;
    const from = document.positionAt(this.start + start);
    const to = document.positionAt(this.start + end);
    this.expected = { offset: this.start + start, length: end - start, text, lines };
    let ok: boolean;
    try {
      const editor = editorFor(document);
      if (editor) {
        ok = await editor.edit((builder) => builder.replace(new vscode.Range(from, to), text), {
          undoStopBefore: stops.before, undoStopAfter: stops.after,
        });
      } else if (hidden) {
        const edit = new vscode.WorkspaceEdit();
        edit.replace(document.uri, new vscode.Range(from, to), text);
        ok = await vscode.workspace.applyEdit(edit);
      } else {
        this.expected = undefined;
        return 'no-editor';
      }
    } catch {
      ok = false;
    }
    if (!ok) {
      this.expected = undefined;
      return 'stale';
    }
    if (this.expected) {
      // Applied, but its change event did not match (the editor normalised the text): take the document's word for it.
      this.expected = undefined;
      this.wroteAny = true;
      this.ownWriteIsLatest = true;
      this.text.lines = lines;
    }
    return 'applied';
  }

  dispose(): void {
    this.touchedEmitter.dispose();
  }
}

/** A visible editor showing the document, the active one first. */
export function editorFor(document: vscode.TextDocument): vscode.TextEditor | undefined {
  const active = vscode.window.activeTextEditor;
  if (active?.document === document) return active;
  return vscode.window.visibleTextEditors.find((editor) => editor.document === document);
}
