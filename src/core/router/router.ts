import type { ChatRequest } from '../chat';
import { BatonError } from '../errors';
import { providerFor } from '../providers';
import type { BatonSettings, ModelConfig } from '../settings/types';
import { addUsage, FinishReason, Usage } from '../streamPart';
import { retryDelay } from './backoff';
import { hasLargerContext, resolveChain } from './chain';
import { abortedError, Clock, systemClock } from './clock';
import { AttemptForm, continuationRequest } from './continuation';
import type { FailedStep, RouterEvent } from './events';
import { HealthTracker } from './health';
import { RouterError } from './routerError';
import { SeamStitcher } from './seam';
import { toolCapableChain, ToolTurn, withToolHint } from './toolTurn';
import { Watchdog } from './watchdog';

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
  handovers: number;
  /** Complete tool calls so far; once there are any, the turn ends with them. */
  tools: ToolTurn;
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
      text: '', usage: {}, steps: [], attempts: 0, handovers: 0,
      tools: new ToolTurn(chat),
    };
    let index = 0;
    let ignoreHealth = false;
    let failed: { model: ModelConfig; error: BatonError } | undefined;

    for (;;) {
      let model: ModelConfig | undefined;
      let probe = false;
      for (; index < chain.length && !model; index++) {
        const candidate = chain[index];
        if (failed?.error.kind === 'context-window' && !hasLargerContext(candidate, failed.model)) {
          yield { type: 'skip', model: candidate.id, reason: 'its context window is not known to be larger' };
          continue;
        }
        const admission = ignoreHealth ? 'ok' : this.health.admit(candidate.id);
        if (admission === 'cooling') {
          const left = Math.ceil(this.health.coolingFor(candidate.id) / 1000);
          yield { type: 'skip', model: candidate.id, reason: `cooling down after repeated failures${left ? ` (${left} s left)` : ''}` };
          continue;
        }
        model = candidate;
        probe = admission === 'probe';
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
      if (failed) {
        const form = this.formFor(model, run, false);
        yield { type: 'fallback', from: failed.model.id, to: model.id, error: failed.error, phase: run.text ? 'mid-stream' : 'before-first-token', at: run.text.length, form };
        run.handovers++;
        if (form === 'restart') run.text = '';
      }

      const error = yield* this.tryModel(model, probe, run);
      if (!error) return;
      failed = { model, error };
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
    if (run.handovers >= settings.continuation.maxHandovers) return `Stopped after ${run.handovers} handovers (baton.continuation.maxHandovers).`;
    return undefined;
  }

  private failure(run: Run, error: BatonError, headline?: string): RouterError {
    return new RouterError(error, run.steps, run.text, headline);
  }

  private formFor(model: ModelConfig, run: Run, prefillRejected: boolean): AttemptForm {
    if (!run.text.trim()) return 'fresh';
    if (run.settings.continuation.mode === 'restart') return 'restart';
    const prefill = model.prefill ?? providerFor(model.provider).prefillByDefault;
    return prefill && !prefillRejected ? 'prefill' : 'instruction';
  }

  /** Attempts one model until it answers, or returns the error that moves the request on. */
  private async *tryModel(model: ModelConfig, probe: boolean, run: Run): AsyncGenerator<RouterEvent, BatonError | undefined> {
    const { retry } = run.settings;
    let prefillRejected = false;
    let failures = 0;
    for (let attempt = 1; ; attempt++) {
      const form = this.formFor(model, run, prefillRejected);
      run.attempts++;
      yield { type: 'attempt', model: model.id, attempt, form, probe: probe && attempt === 1 };
      const result = yield* this.attempt(model, form, run);
      if (result.ok) {
        this.health.succeeded(model.id);
        yield { type: 'done', model: model.id, usage: run.usage, finishReason: result.finishReason, attempts: run.attempts, handovers: run.handovers };
        return undefined;
      }
      const { error } = result;
      if (error.kind === 'aborted') {
        this.health.released(model.id);
        throw error;
      }
      if (run.tools.standing) {
        // Complete calls stand: no handover, no retry that could make them twice.
        this.health.failed(model.id, error);
        yield { type: 'tool-calls-kept', model: model.id, error, calls: run.tools.calls.length, at: run.text.length };
        yield { type: 'done', model: model.id, usage: run.usage, finishReason: 'tool-calls', attempts: run.attempts, handovers: run.handovers };
        return undefined;
      }
      if (form === 'prefill' && error.kind === 'bad-request' && !result.committed) {
        // The target refused the prefill itself; that is not the failure the user should see.
        prefillRejected = true;
        this.health.released(model.id);
        yield { type: 'warning', model: model.id, message: `${model.id} refused the prefill (${error.message}); asking it to continue by instruction instead` };
        continue;
      }
      this.health.failed(model.id, error);
      run.steps.push({ model: model.id, attempt, form, error, phase: run.text ? 'mid-stream' : 'before-first-token', at: run.text.length });
      failures++;
      if (result.committed || result.silent || probe || !error.retryable || failures >= retry.maxAttempts) return error;
      const delayMs = retryDelay(retry, failures, error, this.random);
      if (delayMs === undefined || this.clock.now() + delayMs >= run.deadline) return error;
      yield { type: 'retry', model: model.id, attempt, delayMs, error };
      await this.clock.sleep(delayMs, run.signal);
    }
  }

  /** One request to one model, watched for silence, stitched onto the answer so far. */
  private async *attempt(model: ModelConfig, form: AttemptForm, run: Run): AsyncGenerator<RouterEvent, AttemptResult> {
    const controller = new AbortController();
    const cancel = () => controller.abort(abortedError());
    if (run.signal?.aborted) return { ok: false, error: abortedError(), committed: false, silent: false };
    run.signal?.addEventListener('abort', cancel, { once: true });
    const { timeouts, continuation } = run.settings;
    const watchdog = new Watchdog(this.clock, { ...timeouts, deadline: run.deadline }, model.id, (error) => controller.abort(error));
    const stitcher = form === 'prefill' || form === 'instruction' ? new SeamStitcher(run.text, form) : undefined;
    const request = withToolHint(continuationRequest(run.request, run.text, form, continuation.prompt), form);
    let usage: Usage = {};
    let finishReason: FinishReason | undefined;
    let committed = 0;
    try {
      const apiKey = await this.key(model);
      watchdog.start();
      for await (const part of providerFor(model.provider).stream({ model, apiKey, request }, controller.signal)) {
        switch (part.type) {
          case 'text': {
            watchdog.activity();
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
            watchdog.activity();
            yield part;
            break;
          case 'usage':
            watchdog.activity();
            usage = addUsage(usage, part.usage);
            break;
          case 'tool-call': {
            watchdog.activity();
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
            watchdog.activity();
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
      controller.abort();
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
