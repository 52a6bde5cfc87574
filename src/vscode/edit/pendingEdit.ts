import * as vscode from 'vscode';
import { cleanReply } from '../../core/edit/replyCleaner';
import { DiffLine, diffLines, keptLines } from '../../core/edit/lineDiff';
import { RegionText } from '../../core/edit/regionText';
import { commonIndent, replacementLines } from '../../core/edit/replacement';
import { BatonError } from '../../core/errors';
import type { RouterEvent } from '../../core/router/events';
import type { RouteRequest } from '../../core/router/router';
import type { BatonSession } from '../session';
import type { EditDecorations } from './decorations';
import type { DroppedEdit, EditResult, EditState, EditWitness } from './editTypes';
import { fileWithRegion, writeFile } from './diskFile';
import { TrackedRegion } from './trackedRegion';

export type { DroppedEdit, EditResult, EditState, EditWitness } from './editTypes';

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
  /** Every change Baton makes to the document runs on this chain, one at a time. */
  private writing: Promise<unknown> = Promise.resolve();
  /** While a save runs: the region shows the original, and this is the view to put back after it. */
  private held?: DiffLine[];
  private heldFor?: vscode.TextDocumentSaveReason;
  /** Saves that asked to run but wait their turn: queued renders skip their write meanwhile. */
  private savesWaiting = 0;
  /** A render skipped its turn for a save: the region lags behind the stream. */
  private skippedRender = false;
  /**
   * After an automatic save: the edit's view, set aside. The document shows the original (as saved)
   * until the person comes back (auto save on focus change) or accepts, rejects or asks to see it.
   * Putting the view back at once would make the file dirty again, and auto save after a delay
   * would save it again, and again, every second, rewriting the file each time.
   */
  parked?: { lines: DiffLine[]; by: vscode.TextDocumentSaveReason };
  /** The next write opens a new undo group (a save closed the last one where the region showed the original). */
  private newGroup = false;
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
    private readonly witness?: EditWitness,
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

  /** For an incomplete edit: lines written, and old lines the stream never reached. */
  get progress(): { added: number; pending: number } {
    const lines = this.region.text.lines;
    return { added: lines.filter((l) => l.kind === 'added').length, pending: lines.filter((l) => l.kind === 'pending').length };
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
      if (this.interrupted) return this.ready('incomplete');
      const partial = cleanReply(this.reply, { final: true, seams: this.seams, languageId: this.document.languageId });
      const cancelled = BatonError.is(error) && error.kind === 'aborted';
      const dropped = cancelled && this.cancelledByUser ? this.dropped('cancelled', partial) : undefined;
      await this.restore();
      this.finish(dropped);
      return cancelled ? { status: 'cancelled' } : { status: 'failed', error, partial };
    }
    this.stopRendering();
    await this.render();
    // The person typed inside the region as the last words arrived: the stream may be complete,
    // but the region was not brought up to date with it.
    return this.ready(this.interrupted ? 'incomplete' : 'ready');
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

  /** Runs `work` after every earlier change Baton queued; a failure does not stop the chain. */
  private queue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.writing.then(work);
    this.writing = next.catch(() => undefined);
    return next;
  }

  /** Brings the region up to date with the reply; writes run one at a time. */
  render(): Promise<void> {
    return this.queue(() => this.renderNow()).catch(() => undefined);
  }

  private async renderNow(): Promise<void> {
    if (this.interrupted || this.state !== 'streaming') return;
    if (this.savesWaiting > 0 && !this.done) {
      // A save waits for its turn: it takes the stream's latest lines itself. (Never the last
      // render: the edit turns ready right after it, and must show the whole reply.)
      this.skippedRender = true;
      return;
    }
    const lines = this.computeLines();
    if (this.held) {
      // A save is writing the original: these lines are what comes back after it.
      this.held = lines;
      return;
    }
    // The first write opens the edit's undo group, and so does the first after someone else's
    // change; the following ones join it.
    const before = !this.region.wroteAny || !this.region.ownWriteIsLatest || this.newGroup;
    if (await this.region.write(lines, { before, after: false })) this.newGroup = false;
    this.witness?.shown(this);
    this.paint();
  }

  /**
   * A save is about to write the document: the file on disk must be the original or the accepted
   * edit, never the mix of old and new lines the person is looking at. The region shows the
   * original for the save; {@link afterSave} decides what comes back. Called from
   * `onWillSaveTextDocument`, which waits for it (and gives up after 1.75 s, so this never waits
   * for queued renders: they skip their turn).
   */
  beforeSave(reason: vscode.TextDocumentSaveReason): Promise<void> {
    this.savesWaiting++;
    return this.queue(async () => {
      this.savesWaiting--;
      // 'finishing' too: an Accept or Reject waits behind this save, and the file must not get the mix meanwhile.
      if (this.held || this.parked || this.state === 'finished') return;
      const behind = this.skippedRender && this.state === 'streaming' && !this.interrupted;
      this.skippedRender = false;
      const view = behind ? this.computeLines() : this.region.text.lines;
      const original = view.filter((line) => line.kind !== 'added');
      if (original.length === view.length && view.every((line) => line.kind !== 'removed')) return;
      this.held = view;
      this.heldFor = reason;
      // Kinds are kept (removed, pending, same), so the view can be rebuilt line for line after the save.
      const shown = await this.region.write(original.map((line) => ({ kind: line.kind, text: line.text })), { before: false, after: false }, { hidden: true, evenIfTouched: true });
      if (!shown) {
        this.held = undefined;
        this.session.log.warn('edit: could not show the original for the save; the file may hold the pending edit');
      }
    }).catch((error) => this.session.log.error(`edit: before the save: ${error}`));
  }

  /**
   * The save is done. After Ctrl+S the pending view comes back at once. After an automatic save it
   * does not (see {@link parked}): a streaming edit shows it again with its next words, a finished
   * one waits, parked, with Accept and Reject still at hand.
   */
  afterSave(): Promise<void> {
    return this.queue(async () => {
      if (!this.held) {
        // No participant ran for this save ("Save without Formatting" skips them all).
        if (this.state === 'streaming' || this.state === 'ready' || this.state === 'incomplete') await this.repairDisk(this.parked?.lines ?? this.region.text.lines);
        return;
      }
      await this.repairDisk(this.held);
      // The held view stays until the region shows it again: an Accept or Reject that came in
      // meanwhile takes it from there, and the stream keeps it up to date.
      const view = this.held;
      if (!view) return;
      // The save left the region showing the original: what comes next is a new undo step from
      // there, so one Undo after Accept still lands on the original.
      this.newGroup = true;
      const manual = this.heldFor === vscode.TextDocumentSaveReason.Manual;
      if (this.state === 'streaming' && !this.interrupted) {
        this.held = undefined;
        if (manual) await this.renderNow();
        return;
      }
      if (this.state !== 'ready' && this.state !== 'incomplete') return;
      this.held = undefined;
      if (!this.regionShows(view)) return;
      if (!manual) {
        this.parked = { lines: view, by: this.heldFor ?? vscode.TextDocumentSaveReason.AfterDelay };
        this.session.log.info('edit: auto save wrote the original; the edit waits, hidden, for Accept or Reject');
        this.witness?.shown(this);
        this.paint();
        this.changed.fire();
        return;
      }
      await this.region.write(view, { before: true, after: false }, { hidden: true, evenIfTouched: true });
      this.witness?.shown(this);
      this.paint();
    }).catch((error) => this.session.log.error(`edit: after the save: ${error}`));
  }

  /**
   * The last line of defence: a save that skipped every participant ("Save without Formatting"),
   * or one that gave up waiting for Baton (the editor waits 1.75 s), can have written the pending
   * view. If the file holds anything but the original where the region is, Baton writes the
   * original back in its place (everything else in the file as saved) and sets the edit aside,
   * so the file on disk is the original again within moments.
   */
  private async repairDisk(view: readonly DiffLine[]): Promise<void> {
    if (!view.some((line) => line.kind === 'added' || line.kind === 'removed')) return;
    const text = this.document.getText();
    const original = this.region.text.join(keptLines(view, 'reject'));
    const fixed = await fileWithRegion(this.document.uri, text.slice(0, this.region.start), text.slice(this.region.end), original);
    if (fixed === undefined) return;
    this.session.log.warn('edit: a save skipped Baton (Save without Formatting) and wrote the pending edit half-applied; Baton wrote the original back');
    const dropped = this.dropped('set aside');
    // The editor reloads a saved document when its file changes: the edit cannot stay in it.
    this.state = 'finishing';
    this.held = undefined;
    this.parked = undefined;
    this.cancellation.cancel();
    await writeFile(this.document.uri, fixed);
    this.finish(dropped);
    void vscode.window.showWarningMessage(
      'Baton: the file was saved without the save steps that keep a pending edit out of it (Save without Formatting), so it held old and new lines mixed. ' +
      'Baton wrote your original code back and set the edit aside.', 'Show Rejected Edit',
    ).then((choice) => choice && vscode.commands.executeCommand('baton.showRejectedEdit'));
  }

  /** Shows a parked edit in the document again (the person came back to it, or asked). */
  unpark(): Promise<void> {
    return this.queue(async () => {
      const parked = this.parked;
      if (!parked || (this.state !== 'ready' && this.state !== 'incomplete')) return;
      this.parked = undefined;
      this.newGroup = true;
      if (this.regionShows(parked.lines)) {
        await this.region.write(parked.lines, { before: true, after: false }, { hidden: true, evenIfTouched: true });
        this.witness?.shown(this);
      }
      this.paint();
      this.changed.fire();
    }).catch(() => undefined);
  }

  /** Whether the region shows `view` without its added lines, as a save left it. */
  private regionShows(view: readonly DiffLine[]): boolean {
    const now = this.region.text.lines;
    const expected = view.filter((line) => line.kind !== 'added');
    return now.length === expected.length && now.every((line, i) => line.text === expected[i].text);
  }

  private computeLines(): DiffLine[] {
    const cleaned = cleanReply(this.reply, { final: this.done, seams: this.seams, languageId: this.document.languageId });
    const { lines, partial } = replacementLines(cleaned, this.done, this.baseIndent);
    return diffLines(this.originalLines, lines, partial, this.done);
  }

  /** Redraws the diff (after a change of editors, or an edit by someone else). */
  paint(): void {
    if (this.state === 'finished' || this.held) return;
    if (this.parked) {
      const lines = this.region.text.lines.map((line) => ({ kind: 'same' as const, text: line.text }));
      this.decorations.paint(this.document, this.firstLine, lines, false, 'Baton: the edit waits, hidden (auto save kept your file as it was) · Ctrl+Enter accepts · Esc rejects');
      return;
    }
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
    const text = this.region.text.text;
    this.region.onDocumentChange(event);
    // The person works on the code while its edit is parked: the edit is set aside, not forced back in.
    if (this.parked && this.region.text.text !== text) void this.setAside();
    if (this.region.foreignEdits !== foreign) {
      this.paint();
      this.witness?.shown(this);
    }
    if (this.region.broken && !broken) this.changed.fire();
  }

  private onTouched(): void {
    if (this.state !== 'streaming') return;
    this.session.log.info('edit: stopped where it was: the pending lines were edited while it streamed');
    this.interrupted = true;
    this.stopRendering();
    this.cancellation.cancel();
  }

  private ready(state: 'ready' | 'incomplete' = 'ready'): EditResult {
    if (this.state === 'finished') return { status: 'cancelled' };
    this.state = state;
    this.witness?.shown(this);
    this.paint();
    this.changed.fire();
    return { status: state };
  }

  /**
   * Keeps the new code, as one step of the undo history. Baton never runs Undo itself (Undo acts
   * wherever the focus is: another document, or the Explorer, where it undoes file operations).
   * The original is put back first, joining the edit's own undo group when nobody else changed the
   * document meanwhile (the group then adds up to nothing), then the new code is written as a
   * step of its own. So one Undo always gives back the original, even when the editor closed the
   * group in between (a save does). An incomplete edit is kept only when the person confirmed it.
   */
  async accept(options: { incomplete?: boolean } = {}): Promise<boolean> {
    if (this.state !== 'ready' && !(this.state === 'incomplete' && options.incomplete)) return false;
    this.state = 'finishing';
    await this.queue(async () => {
      // A save may be running: its held view is what the person saw and accepted.
      const lines = this.held ?? this.parked?.lines ?? this.region.text.lines;
      this.held = undefined;
      this.parked = undefined;
      const added = lines.filter((l) => l.kind === 'added').length;
      const removed = lines.filter((l) => l.kind === 'removed').length;
      this.session.log.info(`edit: accepted (+${added} −${removed} lines)${options.incomplete ? ', incomplete' : ''}`);
      const text = this.region.text.join(keptLines(lines, 'accept'));
      await this.region.replaceAll(this.region.text.outcome('reject'), { before: this.region.foreignEdits > 0, after: false });
      await this.region.replaceAll(text, { before: true, after: true });
    });
    this.finish();
    return true;
  }

  private async setAside(): Promise<void> {
    if (this.state !== 'ready' && this.state !== 'incomplete') return;
    this.state = 'finishing';
    this.session.log.info('edit: set aside: the code was edited while the edit waited, hidden');
    const dropped = this.dropped('set aside');
    this.parked = undefined;
    this.finish(dropped);
  }

  /** Restores the original; while streaming, stops the stream first. What it proposed is kept for Show Rejected Edit. */
  async reject(): Promise<boolean> {
    if (this.state === 'streaming') {
      this.cancelledByUser = true;
      this.cancellation.cancel();
      await this.running;
    }
    if (this.state !== 'ready' && this.state !== 'incomplete') return this.state === 'finished';
    this.state = 'finishing';
    this.session.log.info('edit: rejected; the original is back');
    const dropped = this.dropped('rejected');
    await this.restore();
    this.finish(dropped);
    return true;
  }

  private dropped(how: DroppedEdit['how'], proposed?: string): DroppedEdit {
    const lines = this.held ?? this.parked?.lines ?? this.region.text.lines;
    const text = (outcome: 'accept' | 'reject') => this.region.text.join(keptLines(lines, outcome));
    return { uri: this.document.uri, fileName: this.document.fileName, original: text('reject'), proposed: proposed ?? text('accept'), how };
  }

  /**
   * Puts the original lines back byte for byte (with whatever the person typed inside them), in
   * the edit's own undo group when nobody else changed the document meanwhile. The group then adds
   * up to nothing: an Undo steps over it without bringing back any of the edit.
   */
  private async restore(): Promise<void> {
    await this.queue(async () => {
      this.held = undefined;
      this.parked = undefined;
      await this.region.replaceAll(this.region.text.outcome('reject'), { before: this.region.foreignEdits > 0, after: true });
    });
  }

  private finish(dropped?: DroppedEdit): void {
    if (this.state === 'finished') return;
    this.state = 'finished';
    this.decorations.clear(this.document);
    this.witness?.ended(this, dropped);
    this.changed.fire();
  }

  /**
   * Stops the stream without touching the document (the document is going away, or the window is).
   * What the region shows stays on record, so the next activation can restore the original.
   */
  dispose(): void {
    this.stopRendering();
    if (this.state === 'streaming') this.cancellation.cancel();
    this.state = 'finished';
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
