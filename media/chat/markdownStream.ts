import type { Token, TokensList } from 'marked';
import { Block, openBlock, toBlocks } from './blocks';
import { placeCaret } from './caret';
import { h } from './dom';
import { materialize, Part } from './fragments';
import { InlineMarker, markerLine, renderWithMarkers } from './inlineMarkers';
import { lex, renderTokens } from './markdown';
import { renderGap } from './pacing';
import { Appendable, appendableAfter, CODE_RECOLOUR_MS, isPlainAppend } from './plainAppend';
import { visibleOffset } from './seamPlacement';

export type { InlineMarker } from './inlineMarkers';

interface Rendered {
  start: number;
  raw: string;
  markers: number;
  nodes: Node[];
}

/** Work per animation frame while streaming; a backlog is worked off over several frames. */
const FRAME_BUDGET_MS = 8;
/** While streaming, at most this much unrendered text is lexed in one frame. */
const LEX_WINDOW = 12_000;

/**
 * Markdown that grows while it streams. Appends are batched per animation frame. Each frame lexes
 * only the text after the last completed top-level block: blocks before the last one that has
 * started are complete, so they are rendered (or their last render reused) once and frozen; only
 * the block still being written is rendered again. The whole answer is never re-parsed per token.
 */
export class MarkdownStream {
  readonly element = h('div', { class: 'markdown' });
  private readonly frozen = h('div', { class: 'md-frozen' });
  private readonly tail = h('div', { class: 'md-tail' });
  private readonly caret = h('span', { class: 'caret', 'aria-hidden': 'true' });
  /** The source of the frozen blocks, and of everything after them (kept apart so a frame copies only the latter). */
  private head = '';
  private open = '';
  private tailRendered: Rendered[] = [];
  private markers: InlineMarker[] = [];
  private frame = 0;
  private timer?: ReturnType<typeof setTimeout>;
  /** Colours code appended without a render, even if no more text comes. */
  private recolour?: ReturnType<typeof setTimeout>;
  private notBefore = 0;
  /** Characters appended since the last render, and when it was, for the stream's speed. */
  private arrived = 0;
  private renderedAt = 0;
  /**
   * When plain text may simply be appended to the open block: the open text's length at the last
   * full render, the block's kind, and when that render was (code gets its colours at most
   * CODE_RECOLOUR_MS later).
   */
  private appendable?: Appendable;
  /** `streaming` renders per frame; `buffering` waits for finish(); `final` renders at once. */
  private mode: 'streaming' | 'buffering' | 'final';

  /** @param streaming render as text arrives; otherwise render once, on {@link finish}. */
  constructor(streaming: boolean) {
    this.mode = streaming ? 'streaming' : 'buffering';
    this.element.append(this.frozen, this.tail);
  }

  get value(): string {
    return this.head + this.open;
  }

  private get length(): number {
    return this.head.length + this.open.length;
  }

  private get frozenLength(): number {
    return this.head.length;
  }

  /** Where a marker's text starts: its offset, past any whitespace. */
  private visible(offset: number): number {
    const frozen = this.frozenLength;
    return offset >= frozen ? frozen + visibleOffset(this.open, offset - frozen) : visibleOffset(this.value, offset);
  }

  append(delta: string): void {
    if (!delta) return;
    this.open += delta;
    this.arrived += delta.length;
    this.schedule();
  }

  /** Replaces the whole text (a restarted answer, or the host's final text when it differs). */
  replace(text: string): void {
    this.head = '';
    this.open = text;
    this.appendable = undefined;
    this.tailRendered = [];
    this.frozen.replaceChildren();
    this.tail.replaceChildren();
    this.schedule();
  }

  /** Adds a marker; a marker inside text already frozen re-renders from the start. */
  mark(marker: InlineMarker): void {
    this.markers.push(marker);
    this.appendable = undefined;
    if (this.visible(marker.offset) < this.frozenLength) this.replace(this.value);
    else this.schedule();
  }

  removeMarkers(): void {
    this.markers = [];
    this.replace(this.value);
  }

  /** The text is complete: renders what is left at once and freezes everything. */
  finish(): void {
    this.mode = 'final';
    this.cancel();
    this.render(Infinity);
  }

  private cancel(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    clearTimeout(this.timer);
    clearTimeout(this.recolour);
    this.frame = 0;
    this.timer = this.recolour = undefined;
  }

  /** Renders at the next animation frame once the gap since the last render has passed. */
  private schedule(): void {
    if (this.mode === 'final') return void this.render(Infinity);
    if (this.frame || this.timer || this.mode === 'buffering') return;
    const wait = this.notBefore - performance.now();
    if (wait > 4) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, wait);
      return;
    }
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const now = performance.now();
      const speed = this.renderedAt ? (this.arrived * 1000) / Math.max(1, now - this.renderedAt) : 0;
      this.arrived = 0;
      this.renderedAt = now;
      const { done, tailMs } = this.render(FRAME_BUDGET_MS);
      this.notBefore = done ? performance.now() + renderGap(tailMs, speed) : 0;
      if (!done) this.schedule();
    });
  }

  /**
   * Freezes the blocks that are complete (within `budget` ms, at least one) and re-renders the
   * open one. Returns whether everything is on screen, and what the open block cost.
   */
  private render(budget: number): { done: boolean; tailMs: number } {
    const started = performance.now();
    const streaming = this.mode === 'streaming';
    if (streaming && this.appendPlain()) return { done: true, tailMs: performance.now() - started };
    this.appendable = undefined;
    this.caret.remove();
    const length = this.length;
    const window = streaming ? Math.min(this.open.length, LEX_WINDOW) : this.open.length;
    let tokens = lex(this.open.slice(0, window));
    let blocks = toBlocks(tokens, this.frozenLength);
    let behind = window < this.open.length;
    if (behind && openBlock(blocks) === 0) {
      // One block longer than the window: lex it whole.
      tokens = lex(this.open);
      blocks = toBlocks(tokens, this.frozenLength);
      behind = false;
    }
    // Token sources always add up to the text; if they ever did not, freeze nothing this time.
    const consistent = (blocks.at(-1)?.end ?? this.frozenLength) === (behind ? this.frozenLength + window : length);
    const cut = !consistent ? 0 : streaming || behind ? openBlock(blocks) : blocks.length;
    const previous = new Map(this.tailRendered.map((r) => [r.start, r]));
    const reusable = (block: Block) => {
      const last = previous.get(block.start);
      return last && last.raw === block.token.raw && last.markers === this.markersIn(block).length ? last : undefined;
    };

    // Complete blocks: rendered once (or their last render reused) and frozen.
    const frozenParts: Part[] = [];
    let run: Token[] = [];
    const endRun = () => {
      if (run.length) frozenParts.push(renderTokens(run, tokens.links));
      run = [];
    };
    let frozen = 0;
    for (; frozen < cut && (frozen === 0 || performance.now() - started < budget); frozen++) {
      const block = blocks[frozen];
      const reused = reusable(block);
      if (reused || this.markersIn(block).length) {
        endRun();
        frozenParts.push(reused?.nodes ?? this.renderMarkedBlock(block, tokens.links));
      } else if (block.token.type !== 'space') {
        run.push(block.token);
        // Render in runs of a few blocks, so the time budget is checked between them.
        if (run.length >= 8) endRun();
      }
    }
    endRun();
    if (frozen > 0) {
      const consumed = blocks[frozen - 1].end - this.frozenLength;
      this.head += this.open.slice(0, consumed);
      this.open = this.open.slice(consumed);
    }

    if (frozen < cut || behind) {
      // Out of time: drop the stale renders of what was just frozen; the rest comes next frame.
      this.frozen.append(...materialize(frozenParts).flat());
      for (const stale of this.tailRendered.filter((r) => r.start < this.frozenLength)) for (const node of stale.nodes) node.parentNode?.removeChild(node);
      this.tailRendered = this.tailRendered.filter((r) => r.start >= this.frozenLength);
      return { done: false, tailMs: 0 };
    }

    // The open block (all blocks, if the sources did not add up): rendered again, in the same
    // sanitize pass as the blocks frozen above.
    const tailStarted = performance.now();
    const openBlocks = consistent ? blocks.slice(cut) : [];
    const openParts: Part[] = consistent
      ? openBlocks.map((block) => reusable(block)?.nodes
        ?? (this.markersIn(block).length ? this.renderMarkedBlock(block, tokens.links) : renderTokens([block.token], tokens.links)))
      : [renderTokens(tokens, tokens.links)];
    const nodes = materialize([...frozenParts, ...openParts]);
    this.frozen.append(...nodes.slice(0, frozenParts.length).flat());
    const openNodes = nodes.slice(frozenParts.length);
    this.tailRendered = openBlocks.map((block, i) => ({ start: block.start, raw: block.token.raw, markers: this.markersIn(block).length, nodes: openNodes[i] }));
    this.tail.replaceChildren(...openNodes.flat());
    const trailing = this.markers.filter((m) => this.visible(m.offset) >= length);
    this.tail.append(...trailing.map((m) => markerLine(m.create())));
    if (streaming) placeCaret(this.tail, this.caret);
    const last = openBlocks.length === 1 ? openBlocks[0] : undefined;
    if (streaming && last && !trailing.length && !this.markersIn(last).length && last.end === length) this.appendable = appendableAfter(last, this.open);
    return { done: true, tailMs: performance.now() - tailStarted };
  }

  /**
   * The fast path for prose: when all that arrived since the last render is plain text at the end
   * of an open paragraph or list, it goes in as a text node before the caret, with no markdown
   * parse and no sanitizing (text nodes cannot carry markup). Returns false when a full render is
   * needed.
   */
  private appendPlain(): boolean {
    const appendable = this.appendable;
    const block = this.tailRendered.length === 1 ? this.tailRendered[0] : undefined;
    if (!appendable || !block || !this.caret.parentNode) return false;
    const added = this.open.slice(appendable.from);
    if (!isPlainAppend(appendable, this.open, added)) return false;
    this.caret.before(appendable.dropped + added);
    appendable.dropped = '';
    appendable.from = this.open.length;
    // Prose appended this way is what a render would make, so the block can be reused as it is;
    // code is not coloured yet, so the next render must redo it.
    block.raw = appendable.kind === 'prose' ? this.open : '';
    if (appendable.kind === 'code' && !this.recolour) {
      this.recolour = setTimeout(() => {
        this.recolour = undefined;
        if (this.appendable === appendable) appendable.at = -Infinity;
        this.schedule();
      }, appendable.at + CODE_RECOLOUR_MS - performance.now());
    }
    return true;
  }

  private markersIn(block: Block): InlineMarker[] {
    if (block.token.type === 'space' || !this.markers.length) return [];
    return this.markers.filter((m) => {
      const at = this.visible(m.offset);
      return at >= block.start && at < block.end;
    });
  }

  /** Sanitized nodes for a block that holds markers (see {@link renderWithMarkers}). */
  private renderMarkedBlock(block: Block, links: TokensList['links']): Node[] {
    const markers = this.markersIn(block).map((marker) => ({ at: this.visible(marker.offset) - block.start, marker }));
    return renderWithMarkers(block.token.raw, markers, links);
  }
}

