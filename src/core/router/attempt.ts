import type { ChatRequest } from '../chat';
import { BatonError } from '../errors';
import { PartReader, PartStream, providerFor } from '../providers';
import type { BatonSettings, ModelConfig } from '../settings/types';
import { addUsage, FinishReason, StreamPart, Usage } from '../streamPart';
import type { Answer } from './answer';
import { abortedError, Clock } from './clock';
import { AttemptForm, continuationRequest } from './continuation';
import type { FailedStep, RouterEvent } from './events';
import { SeamStitcher } from './seam';
import { ToolTurn, withToolHint } from './toolTurn';
import { limitsFor, Watchdog } from './watchdog';

/** Finds the key for a model: SecretStorage in the editor, environment variables in the CLI. */
export type KeyResolver = (model: ModelConfig) => string | undefined | Promise<string | undefined>;

/** The state of one routed request across its attempts. */
export interface Run {
  settings: BatonSettings;
  request: ChatRequest;
  signal?: AbortSignal;
  deadline: number;
  /** The answer as the user has it. */
  answer: Answer;
  usage: Usage;
  steps: FailedStep[];
  attempts: number;
  /** Mid-stream handovers so far; `continuation.maxHandovers` bounds them. */
  handovers: number;
  /** Complete tool calls so far; once there are any, the turn ends with them. */
  tools: ToolTurn;
  /** The largest configured context window that was too small, after context-window failures. */
  tooSmall?: number;
  /** The partial answer was refused: the next model starts the answer again rather than continue it. */
  refused: boolean;
}

export type AttemptResult =
  | { ok: true; finishReason: FinishReason }
  | { ok: false; error: BatonError; committed: boolean; silent: boolean };

/**
 * One request to one model, watched for silence, stitched onto the answer so far.
 *
 * The router's chain logic hands an attempt to its caller-facing loop, which takes its events with
 * `poll()` and, when there are none, waits for `ready()`, until `result` is set. A poll returns
 * whatever arrived since the last one, without waiting: the per-read path is that loop and this
 * method, not the chain's generators, so a long answer costs little more than reading it.
 * `close()` ends the attempt early (the consumer left), and is safe to call again.
 */
export class Attempt {
  result?: AttemptResult;
  private readonly controller = new AbortController();
  private readonly cancel = () => this.controller.abort(abortedError());
  private readonly watchdog: Watchdog;
  private readonly stitcher?: SeamStitcher;
  private parts?: PartStream;
  private reader?: PartReader;
  private opening?: Promise<void>;
  private usage: Usage = {};
  private finishReason?: FinishReason;
  private committed = 0;
  private finished = false;
  private closed = false;

  constructor(
    private readonly model: ModelConfig,
    private readonly form: AttemptForm,
    private readonly run: Run,
    clock: Clock,
    private readonly resolveKey: KeyResolver,
  ) {
    const limits = limitsFor(model, run.settings.timeouts, providerFor(model.provider), run.deadline);
    this.watchdog = new Watchdog(clock, limits, model.id, (error) => this.controller.abort(error));
    if (form === 'prefill' || form === 'instruction') this.stitcher = new SeamStitcher(run.answer.text, form);
  }

  /**
   * The events of what arrived since the last call, or undefined when nothing has (wait for
   * `ready()`) or the attempt is over (`result` is set; the call that set it returned the last
   * events). Never throws: a failure becomes the result, after the events that came before it.
   */
  poll(): RouterEvent[] | undefined {
    const { reader } = this;
    if (this.result || !reader) return undefined;
    const events: RouterEvent[] = [];
    try {
      const batch = reader.take();
      if (batch) this.take(batch, events);
      else if (reader.ended) this.end(events);
      else return undefined;
    } catch (thrown) {
      this.fail(thrown);
    }
    return events;
  }

  /** Resolves when `poll()` has news; the first call sends the request. Never rejects. */
  ready(): Promise<void> {
    return this.reader ? this.reader.arrival() : (this.opening ??= this.open());
  }

  /** Stops the attempt: its timers, its listener, and, unless it finished, its request. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.watchdog.stop();
    this.run.signal?.removeEventListener('abort', this.cancel);
    // A finished body was left to end on its own, so its connection can be reused.
    if (!this.finished) {
      this.controller.abort();
      this.parts?.cancel();
    }
  }

  /** Sends the request and waits for the response to start streaming; a failure becomes the result. */
  private async open(): Promise<void> {
    const { run, model } = this;
    try {
      if (run.signal?.aborted) throw abortedError();
      run.signal?.addEventListener('abort', this.cancel, { once: true });
      const apiKey = await this.key();
      const request = withToolHint(continuationRequest(run.request, run.answer.text, this.form, run.settings.continuation.prompt), this.form);
      this.watchdog.start();
      // The watchdog hears from the transport as bytes arrive, not from this loop as parts are pulled.
      this.parts = providerFor(model.provider).stream({ model, apiKey, request, watch: this.watchdog }, this.controller.signal);
      this.reader = await this.parts.open();
    } catch (thrown) {
      this.fail(thrown);
    }
  }

  /** Stitches one batch of parts onto the answer and turns it into events. */
  private take(batch: StreamPart[], events: RouterEvent[]): void {
    for (const part of batch) {
      switch (part.type) {
        case 'text': {
          const text = this.stitcher ? this.stitcher.push(part.text) : part.text;
          if (text) events.push(this.commit(text));
          if (this.stitcher) this.notes(events);
          break;
        }
        case 'reasoning':
          events.push(part);
          break;
        case 'usage':
          this.usage = addUsage(this.usage, part.usage);
          break;
        case 'tool-call':
          this.toolCall(part.call, events);
          break;
        case 'tool-call-progress':
          // The transport told the watchdog when these bytes arrived.
          break;
        case 'finish':
          this.finishReason = part.reason;
          break;
        case 'warning':
          events.push({ type: 'warning', model: this.model.id, message: part.message });
          break;
      }
    }
  }

  private commit(text: string): RouterEvent {
    this.run.answer.append(text);
    this.committed += text.length;
    return { type: 'text', text };
  }

  private notes(events: RouterEvent[]): void {
    for (const message of this.stitcher?.takeNotes() ?? []) events.push({ type: 'warning', model: this.model.id, message });
  }

  private toolCall(raw: Extract<StreamPart, { type: 'tool-call' }>['call'], events: RouterEvent[]): void {
    // Text the stitcher still holds came before the call.
    const held = this.stitcher?.end();
    if (held) events.push(this.commit(held));
    const { call, renamed } = this.run.tools.accept(raw);
    if (renamed !== undefined) events.push({ type: 'warning', model: this.model.id, message: `${this.model.id} reused the tool call id "${renamed}"; it is ${call.id} in this turn` });
    events.push({ type: 'tool-call', call });
  }

  /** The stream completed: what the stitcher still holds, then the result. */
  private end(events: RouterEvent[]): void {
    const tail = this.stitcher?.end();
    if (tail) events.push(this.commit(tail));
    this.notes(events);
    this.run.usage = addUsage(this.run.usage, this.usage);
    this.finished = true;
    if (this.finishReason === 'content-filter') {
      const error = new BatonError('content-policy', `${this.model.id} stopped: the provider's content filter ended the answer`, { model: this.model.id, provider: this.model.provider });
      this.result = { ok: false, error, committed: this.committed > 0, silent: false };
    } else {
      this.result = { ok: true, finishReason: this.finishReason ?? 'stop' };
    }
    this.close();
  }

  private fail(thrown: unknown): void {
    // Text the stitcher still holds could be a repeat of the partial; the next model continues
    // from what the user has, so dropping it loses nothing.
    let usage = this.usage;
    if (this.committed > 0 && usage.outputTokens === undefined) usage = addUsage(usage, { outputTokens: Math.ceil(this.committed / 4), estimated: true });
    this.run.usage = addUsage(this.run.usage, usage);
    this.result = { ok: false, error: this.asError(thrown), committed: this.committed > 0, silent: this.watchdog.silentModel };
    this.close();
  }

  private async key(): Promise<string | undefined> {
    try {
      return await this.resolveKey(this.model);
    } catch (error) {
      throw new BatonError('auth', `could not read the API key for ${this.model.id}: ${(error as Error)?.message ?? error}`, { model: this.model.id, cause: error });
    }
  }

  private asError(thrown: unknown): BatonError {
    const { signal } = this.controller;
    const reason: unknown = signal.aborted ? signal.reason : undefined;
    const error = BatonError.is(reason) ? reason
      : BatonError.is(thrown) ? thrown
      : new BatonError('protocol', `${this.model.id}: ${(thrown as Error)?.message ?? String(thrown)}`, { cause: thrown });
    return error.withModel(this.model.id, this.model.provider);
  }
}
