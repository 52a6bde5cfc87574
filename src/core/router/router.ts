import type { ChatRequest } from '../chat';
import { BatonError } from '../errors';
import { providerFor } from '../providers';
import type { BatonSettings, ModelConfig } from '../settings/types';
import { addUsage, FinishReason, Usage } from '../streamPart';
import { retryDelay } from './backoff';
import { mayHoldMore, resolveChain } from './chain';
import { abortedError, Clock, systemClock } from './clock';
import { AttemptForm, continuationRequest } from './continuation';
import type { FailedStep, RouterEvent } from './events';
import { HealthTicket, HealthTracker } from './health';
import { RouterError } from './routerError';
import { SeamStitcher } from './seam';
import { toolCapableChain, ToolTurn, withToolHint } from './toolTurn';
import { limitsFor, Watchdog } from './watchdog';

/** Finds the key for a model: SecretStorage in the editor, environment variables in the CLI. */
export type KeyResolver = (model: ModelConfig) => string | undefined | Promise<string | undefined>;

export interface RouterOptions {
  /** Read at the start of every request, so settings changes apply to the next request. */
  settings: () => BatonSettings;
  resolveKey: KeyResolver;
  clock?: Clock;
  random?: () => number;
}

/** A chat request plus the Baton model id to start with (default: `baton.defaultModel`). */
export interface RouteRequest extends ChatRequest {
  model?: string;
}

/** The state of one routed request across its attempts. */
interface Run {
  settings: BatonSettings;
  request: ChatRequest;
  signal?: AbortSignal;
  deadline: number;
  /** The answer as the user has it. */
  text: string;
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

type AttemptResult =
  | { ok: true; finishReason: FinishReason }
  | { ok: false; error: BatonError; committed: boolean; silent: boolean };

/**
 * Streams a request through a model's fallback chain. Before the first token it retries and falls
 * back quietly; after it, a failure hands the answer to the next model, which continues it. Health
 * is tracked across requests, so a failing model is cooled down and later probed.
 */
export class Router {
  readonly health: HealthTracker;
  private readonly clock: Clock;
  private readonly random: () => number;

  constructor(private readonly options: RouterOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.health = new HealthTracker(this.clock, () => this.options.settings().cooldown);
  }

  /**
   * Streams events for one request. Throws a {@link RouterError} when the chain is exhausted and a
   * `BatonError` of kind `aborted` when cancelled. Leaving the iteration early aborts the request.
   */
  async *stream(request: RouteRequest, signal?: AbortSignal): AsyncGenerator<RouterEvent, void, undefined> {
    const settings = this.options.settings();
    const chain = yield* toolCapableChain(resolveChain(settings, request.model), request);
    const { model: _ignored, ...chat } = request;
    const run: Run = {
      settings, request: chat, signal, deadline: this.clock.now() + settings.timeouts.totalMs,
      text: '', usage: {}, steps: [], attempts: 0, handovers: 0, refused: false,
      tools: new ToolTurn(chat),
    };
    let index = 0;
    let ignoreHealth = false;
    let failed: { model: ModelConfig; error: BatonError } | undefined;

    for (;;) {
      let model: ModelConfig | undefined;
      let ticket: HealthTicket | undefined;
      for (; index < chain.length && !model; index++) {
        const candidate = chain[index];
        if (failed?.error.kind === 'context-window' && !mayHoldMore(candidate, run.tooSmall)) {
          yield { type: 'skip', model: candidate.id, reason: `its context window (${candidate.contextWindow}) is no larger than one that was too small` };
          continue;
        }
        ticket = ignoreHealth ? this.health.force(candidate.id) : this.health.admit(candidate.id);
        if (!ticket) {
          yield { type: 'skip', model: candidate.id, reason: this.health.describeCooling(candidate.id) };
          continue;
        }
        model = candidate;
      }
      if (!model) {
        if (!failed && !ignoreHealth) {
          yield { type: 'warning', model: chain[0].id, message: 'every model in the chain is cooling down; trying them anyway' };
          ignoreHealth = true;
          index = 0;
          continue;
        }
        throw this.failure(run, failed!.error, failed!.error.kind === 'context-window'
          ? 'The conversation does not fit, and no fallback with a larger contextWindow is configured.'
          : undefined);
      }
      let error: BatonError | undefined;
      let tried = false;
      try {
        if (failed) {
          const form = this.formFor(model, run, false);
          const phase = run.text ? 'mid-stream' : 'before-first-token';
          yield { type: 'fallback', from: failed.model.id, to: model.id, error: failed.error, phase, at: run.text.length, form };
          if (phase === 'mid-stream') run.handovers++;
          if (form === 'restart') run.text = '';
          run.refused = false;
        }
        tried = true;
        error = yield* this.tryModel(model, ticket!, run);
      } finally {
        // The consumer may stop at the fallback event; an admitted probe must not stay taken.
        if (!tried) this.health.released(ticket!);
      }
      if (!error) return;
      failed = { model, error };
      if (error.kind === 'context-window' && model.contextWindow !== undefined) run.tooSmall = Math.max(run.tooSmall ?? 0, model.contextWindow);
      // A refusal is never continued: the backup would be told that "I can't help with that" was cut off.
      if (error.kind === 'content-policy') run.refused = true;
      const headline = this.stopReason(run, error);
      if (headline !== undefined) throw this.failure(run, error, headline || undefined);
    }
  }

  /** Why the chain must stop after this failure ('' to stop with the plain story), or undefined to go on. */
  private stopReason(run: Run, error: BatonError): string | undefined {
    const { settings } = run;
    if (this.clock.now() >= run.deadline) return 'The request ran out of time.';
    if (error.kind === 'content-policy' && !settings.fallbackOnRefusal) return '';
    if (run.text && settings.continuation.mode === 'off') return '';
    // Before the first token the chain itself is the bound; the budget is for handing over a partial answer.
    if (run.text && run.handovers >= settings.continuation.maxHandovers) {
      return `Stopped after ${run.handovers} handover${run.handovers === 1 ? '' : 's'} (baton.continuation.maxHandovers).`;
    }
    return undefined;
  }

  private failure(run: Run, error: BatonError, headline?: string): RouterError {
    return new RouterError(error, run.steps, run.text, headline);
  }

  private formFor(model: ModelConfig, run: Run, prefillRejected: boolean): AttemptForm {
    if (!run.text.trim()) return 'fresh';
    if (run.settings.continuation.mode === 'restart' || run.refused) return 'restart';
    const prefill = model.prefill ?? providerFor(model.provider).prefillByDefault;
    return prefill && !prefillRejected ? 'prefill' : 'instruction';
  }

  /**
   * Attempts one model until it answers, or returns the error that moves the request on. The
   * model's health hears one verdict for the whole request, however many attempts it took; a
   * request that is cancelled or abandoned (the consumer stopped iterating) gives no verdict.
   */
  private async *tryModel(model: ModelConfig, ticket: HealthTicket, run: Run): AsyncGenerator<RouterEvent, BatonError | undefined> {
    const { retry } = run.settings;
    let prefillRejected = false;
    let failures = 0;
    let judged = false;
    const verdict = (error?: BatonError, pauseMs?: number) => {
      judged = true;
      if (error) this.health.failed(ticket, error, pauseMs);
      else this.health.succeeded(ticket);
    };
    try {
      for (let attempt = 1; ; attempt++) {
        const form = this.formFor(model, run, prefillRejected);
        run.attempts++;
        yield { type: 'attempt', model: model.id, attempt, form, probe: ticket.probe && attempt === 1 };
        const result = yield* this.attempt(model, form, run);
        if (result.ok) {
          verdict();
          yield { type: 'done', model: model.id, usage: run.usage, finishReason: result.finishReason, attempts: run.attempts, handovers: run.handovers };
          return undefined;
        }
        const { error } = result;
        if (error.kind === 'aborted') throw error;
        if (run.tools.standing) {
          // Complete calls stand: no handover, no retry that could make them twice.
          verdict(error);
          yield { type: 'tool-calls-kept', model: model.id, error, calls: run.tools.calls.length, at: run.text.length };
          yield { type: 'done', model: model.id, usage: run.usage, finishReason: 'tool-calls', attempts: run.attempts, handovers: run.handovers };
          return undefined;
        }
        if (form === 'prefill' && error.kind === 'bad-request' && !result.committed) {
          // The target refused the prefill itself; that is not the failure the user should see.
          prefillRejected = true;
          yield { type: 'warning', model: model.id, message: `${model.id} refused the prefill (${error.message}); asking it to continue by instruction instead` };
          continue;
        }
        run.steps.push({ model: model.id, attempt, form, error, phase: run.text ? 'mid-stream' : 'before-first-token', at: run.text.length });
        failures++;
        const delayMs = retryDelay(retry, failures, error, this.random);
        // A Retry-After too long to wait out: the model is left alone that long, by every request.
        const pauseMs = delayMs === undefined ? error.retryAfterMs : undefined;
        if (result.committed || result.silent || ticket.probe || !error.retryable || failures >= retry.maxAttempts
          || delayMs === undefined || this.clock.now() + delayMs >= run.deadline) {
          verdict(error, pauseMs);
          return error;
        }
        yield { type: 'retry', model: model.id, attempt, delayMs, error };
        await this.clock.sleep(delayMs, run.signal);
      }
    } finally {
      if (!judged) this.health.released(ticket);
    }
  }

  /** One request to one model, watched for silence, stitched onto the answer so far. */
  private async *attempt(model: ModelConfig, form: AttemptForm, run: Run): AsyncGenerator<RouterEvent, AttemptResult> {
    const controller = new AbortController();
    const cancel = () => controller.abort(abortedError());
    if (run.signal?.aborted) return { ok: false, error: abortedError(), committed: false, silent: false };
    run.signal?.addEventListener('abort', cancel, { once: true });
    const { timeouts, continuation } = run.settings;
    const provider = providerFor(model.provider);
    const watchdog = new Watchdog(this.clock, limitsFor(model, timeouts, provider, run.deadline), model.id, (error) => controller.abort(error));
    const stitcher = form === 'prefill' || form === 'instruction' ? new SeamStitcher(run.text, form) : undefined;
    const request = withToolHint(continuationRequest(run.request, run.text, form, continuation.prompt), form);
    let usage: Usage = {};
    let finishReason: FinishReason | undefined;
    let committed = 0;
    let finished = false;
    try {
      const apiKey = await this.key(model);
      watchdog.start();
      // The watchdog hears from the transport as bytes arrive, not from this loop as parts are pulled.
      for await (const part of provider.stream({ model, apiKey, request, watch: watchdog }, controller.signal)) {
        switch (part.type) {
          case 'text': {
            const text = stitcher ? stitcher.push(part.text) : part.text;
            if (text) {
              run.text += text;
              committed += text.length;
              yield { type: 'text', text };
            }
            for (const message of stitcher?.takeNotes() ?? []) yield { type: 'warning', model: model.id, message };
            break;
          }
          case 'reasoning':
            yield part;
            break;
          case 'usage':
            usage = addUsage(usage, part.usage);
            break;
          case 'tool-call': {
            // Text the stitcher still holds came before the call.
            const held = stitcher?.end();
            if (held) {
              run.text += held;
              committed += held.length;
              yield { type: 'text', text: held };
            }
            const { call, renamed } = run.tools.accept(part.call);
            if (renamed !== undefined) yield { type: 'warning', model: model.id, message: `${model.id} reused the tool call id "${renamed}"; it is ${call.id} in this turn` };
            yield { type: 'tool-call', call };
            break;
          }
          case 'tool-call-progress':
            // The transport told the watchdog when these bytes arrived.
            break;
          case 'finish':
            finishReason = part.reason;
            break;
          case 'warning':
            yield { type: 'warning', model: model.id, message: part.message };
            break;
        }
      }
      const tail = stitcher?.end();
      if (tail) {
        run.text += tail;
        committed += tail.length;
        yield { type: 'text', text: tail };
      }
      for (const message of stitcher?.takeNotes() ?? []) yield { type: 'warning', model: model.id, message };
      run.usage = addUsage(run.usage, usage);
      finished = true;
      if (finishReason === 'content-filter') {
        const error = new BatonError('content-policy', `${model.id} stopped: the provider's content filter ended the answer`, { model: model.id, provider: model.provider });
        return { ok: false, error, committed: committed > 0, silent: false };
      }
      return { ok: true, finishReason: finishReason ?? 'stop' };
    } catch (thrown) {
      // Text the stitcher still holds could be a repeat of the partial; the next model continues
      // from what the user has, so dropping it loses nothing.
      if (committed > 0 && usage.outputTokens === undefined) usage = addUsage(usage, { outputTokens: Math.ceil(committed / 4), estimated: true });
      run.usage = addUsage(run.usage, usage);
      return { ok: false, error: this.asError(thrown, controller.signal, model), committed: committed > 0, silent: watchdog.silentModel };
    } finally {
      watchdog.stop();
      run.signal?.removeEventListener('abort', cancel);
      // A finished body was left to end on its own, so its connection can be reused.
      if (!finished) controller.abort();
    }
  }

  private async key(model: ModelConfig): Promise<string | undefined> {
    try {
      return await this.options.resolveKey(model);
    } catch (error) {
      throw new BatonError('auth', `could not read the API key for ${model.id}: ${(error as Error)?.message ?? error}`, { model: model.id, cause: error });
    }
  }

  private asError(thrown: unknown, signal: AbortSignal, model: ModelConfig): BatonError {
    const reason: unknown = signal.aborted ? signal.reason : undefined;
    const error = BatonError.is(reason) ? reason
      : BatonError.is(thrown) ? thrown
      : new BatonError('protocol', `${model.id}: ${(thrown as Error)?.message ?? String(thrown)}`, { cause: thrown });
    return error.withModel(model.id, model.provider);
  }
}
