import type { AssistantTurn, Seam } from '../../src/core/protocol/chat';
import { describeSeam } from '../../src/core/protocol/describe';
import { h, icon, iconButton } from './dom';
import { errorCardView } from './errorCard';
import { MarkdownStream } from './markdownStream';
import { seamMarker } from './seamMarker';

const WAITING = 'waiting for the first words…';

const STATUS_LINES: Partial<Record<AssistantTurn['status'], string>> = {
  stopped: 'Stopped. The answer above is as far as it got.',
  interrupted: 'Interrupted: the window closed or reloaded while this answer was being written.',
};

/**
 * One answer: who wrote it, its markdown (streamed), seam markers where a backup took over, notes,
 * an error card when every model failed, and its actions.
 */
export class AnswerView {
  readonly element: HTMLElement;
  private readonly markdown: MarkdownStream;
  private readonly models = h('span', { class: 'answer-models' });
  private readonly progress = h('span', { class: 'answer-progress' });
  private readonly banners = h('div', { class: 'answer-banners' });
  private readonly after = h('div', { class: 'answer-after' });
  private turn: AssistantTurn;
  /** The user pressed Stop: text still in flight is not shown. */
  private stopping = false;

  constructor(turn: AssistantTurn, private last: boolean) {
    this.turn = { ...turn, seams: [...turn.seams], notes: [...turn.notes] };
    const streaming = turn.status === 'streaming';
    this.markdown = new MarkdownStream(streaming);
    this.element = h('article', { class: 'turn answer', 'data-turn-id': turn.id, 'aria-label': `Answer from ${turn.model}` },
      h('header', { class: 'answer-header' }, icon('sparkle'), this.models, this.progress),
      this.banners, this.markdown.element, this.after);
    for (const seam of turn.seams) this.addSeam(seam);
    this.markdown.append(turn.text);
    if (!streaming) this.markdown.finish();
    else if (!turn.text) this.progress.textContent = WAITING;
    this.paint();
  }

  get id(): string {
    return this.turn.id;
  }

  get text(): string {
    return this.markdown.value;
  }

  get streaming(): boolean {
    return this.turn.status === 'streaming' && !this.stopping;
  }

  appendText(text: string): void {
    if (this.stopping) return;
    if (!this.turn.text && this.progress.textContent === WAITING) this.progress.textContent = '';
    this.turn.text += text;
    this.markdown.append(text);
  }

  setProgress(model: string, note: string | undefined): void {
    this.turn.model = model;
    this.progress.textContent = note ?? (this.turn.text ? '' : WAITING);
    this.paintModels();
  }

  addSeam(seam: Seam): void {
    if (!this.turn.seams.includes(seam)) this.turn.seams.push(seam);
    this.turn.model = seam.to;
    if (seam.form === 'restart') {
      // The backup starts over: the partial answer is gone, and the marker says so above the text.
      this.turn.text = '';
      this.markdown.removeMarkers();
      this.markdown.replace('');
      this.banners.replaceChildren(h('div', { class: 'baton-seam-line' }, seamMarker(seam)));
    } else {
      this.markdown.mark({ offset: seam.offset, create: () => seamMarker(seam) });
    }
    this.paintModels();
  }

  /** The user pressed Stop: freeze what is shown now, before the host confirms. */
  stop(): void {
    if (this.turn.status !== 'streaming') return;
    this.stopping = true;
    this.element.dataset.status = 'stopping';
    this.progress.textContent = 'Stopping…';
    this.markdown.finish();
  }

  /** The answer ended; the host's turn is authoritative, text included. */
  end(turn: AssistantTurn): void {
    const seamsChanged = turn.seams.length !== this.turn.seams.length;
    this.turn = { ...turn };
    if (seamsChanged) {
      this.markdown.removeMarkers();
      this.banners.replaceChildren();
      for (const seam of turn.seams) this.addSeam(seam);
    }
    if (this.markdown.value !== turn.text) this.markdown.replace(turn.text);
    this.markdown.finish();
    this.paint();
  }

  setLast(last: boolean): void {
    this.last = last;
    this.paint();
  }

  /** A sentence for screen readers once the answer is complete. */
  summary(): string {
    const seams = this.turn.seams.map((s) => describeSeam(s)).join('. ');
    return `${this.turn.model} ${this.turn.status === 'done' ? 'answered' : this.turn.status}. ${seams ? `${seams}. ` : ''}${this.text}`;
  }

  private paintModels(): void {
    const writers = this.turn.seams.length ? [this.turn.seams[0].from, ...this.turn.seams.map((s) => s.to)] : [this.turn.model];
    this.models.replaceChildren(...writers.flatMap((name, i) => [
      i ? h('span', { class: 'answer-arrow', 'aria-label': 'then' }, ' → ') : '', h('span', { class: 'answer-model' }, name)]));
    this.element.setAttribute('aria-label', `Answer from ${writers.join(' then ')}`);
  }

  private paint(): void {
    const turn = this.turn;
    this.element.dataset.status = this.stopping && turn.status === 'streaming' ? 'stopping' : turn.status;
    this.paintModels();
    if (turn.status !== 'streaming') this.progress.textContent = '';
    const notes = turn.notes.map((note) => h('div', { class: 'answer-note' }, icon('info'), h('span', {}, note)));
    const status = STATUS_LINES[turn.status];
    const length = turn.finishReason === 'length' ? 'The model stopped at its output token limit (maxTokens); the answer may be cut short.' : undefined;
    this.after.replaceChildren(
      ...notes,
      status ? h('div', { class: 'answer-note' }, icon(turn.status === 'stopped' ? 'debug-stop' : 'warning'), h('span', {}, status)) : '',
      length ? h('div', { class: 'answer-note' }, icon('warning'), h('span', {}, length)) : '',
      turn.error ? errorCardView(turn.error, turn.text.length, this.last) : '',
      turn.status === 'streaming' ? '' : h('div', { class: 'answer-actions' },
        iconButton('copy', 'Copy Answer', { 'data-action': 'copyAnswer' }),
        this.last && turn.status !== 'failed' ? iconButton('refresh', 'Regenerate', { 'data-action': 'regenerate' }) : ''),
    );
  }
}
