import * as vscode from 'vscode';
import { cleanReply } from '../../core/edit/replyCleaner';
import { DiffLine, diffLines } from '../../core/edit/lineDiff';
import { RegionText } from '../../core/edit/regionText';
import { commonIndent, replacementLines } from '../../core/edit/replacement';
import { BatonError } from '../../core/errors';
import type { RouterEvent } from '../../core/router/events';
import type { RouteRequest } from '../../core/router/router';
import type { BatonSession } from '../session';
import type { EditDecorations } from './decorations';
import { TrackedRegion } from './trackedRegion';
import { dropOwnUndoSteps } from './undoHistory';

/** `streaming` → `ready` (waiting for Accept or Reject) → `finishing` (writing the outcome) → `finished`. */
export type EditState = 'streaming' | 'ready' | 'finishing' | 'finished';

export type EditResult =
  | { status: 'ready' }
  | { status: 'cancelled' }
  | { status: 'failed'; error: unknown; partial: string };

/** How often the document catches up with the stream. */
const RENDER_INTERVAL_MS = 50;

/**
 * One edit in one document, from the first token to Accept or Reject. The model's reply is
 * cleaned (fences, chatter) and diffed against the original lines as it streams, and the region is
 * rewritten to show the diff. On Accept the whole edit becomes one step of the undo history.
 *
 * When the model fails mid-edit, the router's backup continues the same reply; the text events
 * simply go on (a restart starts the reply again). Only when the whole chain fails, or the person
 * cancels, is the original restored.
 */
export class PendingEdit implements vscode.Disposable {
  state: EditState = 'streaming';
  /** The model writing the edit now. */
  model: string;
  /** The last handover, for the lens. */
  handover?: { from: string; to: string; at: number };
  /** Why the reply ended, when the model said (`length`: it hit its output limit). */
  finishReason?: string;
  readonly region: TrackedRegion;
  private readonly originalLines: string[];
  private readonly baseIndent: string;
  private reply = '';
  private seams: number[] = [];
  private done = false;
  /** Someone typed inside the region while it streamed: the stream stops where it is. */
  private interrupted = false;
  private cancelledByUser = false;
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();
  private running?: Promise<EditResult>;
  private readonly cancellation = new vscode.CancellationTokenSource();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the state or the model changes. */
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    readonly document: vscode.TextDocument,
    start: number,
    originalText: string,
    private readonly request: RouteRequest,
    private readonly session: BatonSession,
    private readonly decorations: EditDecorations,
  ) {
    const original = RegionText.original(originalText, document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n');
    this.region = new TrackedRegion(document, start, original);
    this.originalLines = original.lines.map((line) => line.text);
    this.baseIndent = commonIndent(this.originalLines);
    this.model = request.model ?? session.defaultModel ?? '';
    this.subscriptions.push(this.region, this.cancellation, this.changed, this.region.onDidTouch(() => this.onTouched()));
  }

  /** The document line the region starts on. */
  get firstLine(): number {
    return this.document.positionAt(this.region.start).line;
  }

  get counts(): { added: number; removed: number } {
    const lines = this.region.text.lines;
    return { added: lines.filter((l) => l.kind === 'added').length, removed: lines.filter((l) => l.kind === 'removed').length };
  }

  /** Starts streaming; resolves when the edit is ready for Accept or Reject, or has ended. */
  start(): Promise<EditResult> {
    this.running ??= this.run();
    return this.running;
  }

  private async run(): Promise<EditResult> {
    try {
      for await (const event of this.session.run('edit', this.request, this.cancellation.token)) this.onEvent(event);
      this.done = true;
    } catch (error) {
      this.stopRendering();
      await this.writing;
      if (this.interrupted) return this.ready();
      const partial = cleanReply(this.reply, { final: true, seams: this.seams, languageId: this.document.languageId });
      await this.restore(this.cancelledByUser);
      this.finish();
      return BatonError.is(error) && error.kind === 'aborted' ? { status: 'cancelled' } : { status: 'failed', error, partial };
    }
    this.stopRendering();
    await this.render();
    return this.ready();
  }

  private onEvent(event: RouterEvent): void {
    switch (event.type) {
      case 'text':
        this.reply += event.text;
        this.schedule();
        return;
      case 'attempt':
        if (event.model !== this.model) {
          this.model = event.model;
          this.changed.fire();
        }
        return;
      case 'fallback':
        if (event.form === 'restart') {
          this.reply = '';
          this.seams = [];
        } else if (this.reply) {
          this.seams.push(this.reply.length);
        }
        this.model = event.to;
        if (event.phase === 'mid-stream') this.handover = { from: event.from, to: event.to, at: event.at };
        this.changed.fire();
        this.schedule();
        return;
      case 'done':
        this.finishReason = event.finishReason;
        return;
      default:
        return;
    }
  }

  private schedule(): void {
    if (this.timer || this.interrupted) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.render();
    }, RENDER_INTERVAL_MS);
  }

  private stopRendering(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Brings the region up to date with the reply; writes run one at a time. */
  render(): Promise<void> {
    this.writing = this.writing.then(() => this.renderNow()).catch(() => undefined);
    return this.writing;
  }

  private async renderNow(): Promise<void> {
    if (this.interrupted || this.state !== 'streaming') return;
    const lines = this.computeLines();
    // The first write opens the edit's undo group; the following ones join it.
    await this.region.write(lines, { before: !this.region.wroteAny, after: false });
    this.paint();
  }

  private computeLines(): DiffLine[] {
    const cleaned = cleanReply(this.reply, { final: this.done, seams: this.seams, languageId: this.document.languageId });
    const { lines, partial } = replacementLines(cleaned, this.done, this.baseIndent);
    return diffLines(this.originalLines, lines, partial, this.done);
  }

  /** Redraws the diff (after a change of editors, or an edit by someone else). */
  paint(): void {
    if (this.state === 'finished') return;
    const streaming = this.state === 'streaming' && !this.interrupted;
    this.decorations.paint(this.document, this.firstLine, this.region.text.lines, streaming, streaming ? this.banner() : '');
  }

  /** "primary is writing the edit… Esc cancels", or after a handover, which backup took over. */
  private banner(): string {
    const who = this.handover
      ? `${this.handover.from} dropped at ${this.handover.at.toLocaleString('en-US')} chars; ${this.handover.to} is finishing the edit`
      : `${this.model} is writing the edit`;
    return `⟳ ${who}…  Esc cancels`;
  }

  onDocumentChange(event: vscode.TextDocumentChangeEvent): void {
    const foreign = this.region.foreignEdits;
    const broken = this.region.broken;
    this.region.onDocumentChange(event);
    if (this.region.foreignEdits !== foreign) this.paint();
    if (this.region.broken && !broken) this.changed.fire();
  }

  private onTouched(): void {
    if (this.state !== 'streaming') return;
    this.session.log.info('edit: stopped where it was: the pending lines were edited while it streamed');
    this.interrupted = true;
    this.stopRendering();
    this.cancellation.cancel();
  }

  private ready(): EditResult {
    if (this.state === 'finished') return { status: 'cancelled' };
    this.state = 'ready';
    this.paint();
    this.changed.fire();
    return { status: 'ready' };
  }

  /**
   * Keeps the new code, as one step of the undo history: the original is put back first (which
   * makes the streamed writes add up to nothing, so they are taken out of the history when nobody
   * else edited meanwhile), then the new code is written in one go. One Undo restores the original.
   */
  async accept(): Promise<boolean> {
    if (this.state !== 'ready') return false;
    this.state = 'finishing';
    await this.writing;
    const { added, removed } = this.counts;
    this.session.log.info(`edit: accepted (+${added} −${removed} lines)`);
    const text = this.region.text.outcome('accept');
    await this.restore(true);
    await this.region.replaceAll(text, { before: true, after: true });
    this.finish();
    return true;
  }

  /** Restores the original; while streaming, stops the stream first. */
  async reject(): Promise<boolean> {
    if (this.state === 'streaming') {
      this.cancelledByUser = true;
      this.cancellation.cancel();
      await this.running;
    }
    if (this.state !== 'ready') return this.state === 'finished';
    this.state = 'finishing';
    this.session.log.info('edit: rejected; the original is back');
    await this.restore(true);
    this.finish();
    return true;
  }

  /**
   * Puts the original lines back byte for byte (with whatever the person typed inside them). When
   * the person asked for it and nobody else edited the document meanwhile, the edit's own steps
   * are then taken out of the undo history, so history and dirty state are as before the edit.
   * (Not after a failure: the person may be typing elsewhere, and Undo acts where the focus is.)
   */
  private async restore(forget: boolean): Promise<void> {
    await this.writing;
    await this.region.replaceAll(this.region.text.outcome('reject'), { before: false, after: true });
    if (!forget || !this.region.wroteAny || this.region.foreignEdits > 0 || this.region.touched) return;
    const dropped = await this.region.whilePaused(() => dropOwnUndoSteps(this.document, this.document.getText()));
    if (!dropped) this.session.log.info('edit: its steps stay in the undo history (the editor did not step back to the original)');
  }

  private finish(): void {
    this.state = 'finished';
    this.decorations.clear(this.document);
    this.changed.fire();
  }

  /** Stops the stream without touching the document (the document is going away). */
  dispose(): void {
    this.stopRendering();
    if (this.state === 'streaming') this.cancellation.cancel();
    this.state = 'finished';
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
