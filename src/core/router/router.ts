import type { ChatRequest } from '../chat';
import { BatonError } from '../errors';
import { providerFor } from '../providers';
import type { BatonSettings, ModelConfig } from '../settings/types';
import { Answer } from './answer';
import { Attempt, KeyResolver, Run } from './attempt';
import { retryDelay } from './backoff';
import { mayHoldMore, resolveChain } from './chain';
import { Clock, systemClock } from './clock';
import type { AttemptForm } from './continuation';
import type { RouterEvent } from './events';
import { HealthTicket, HealthTracker } from './health';
import { RouterError } from './routerError';
import { toolCapableChain, ToolTurn } from './toolTurn';

export type { KeyResolver } from './attempt';

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
    // The chain yields its own events, and each attempt for this loop to stream. Only this loop and
    // Attempt.poll() run for every network read; the chain wakes for what is rare.
    const chain = this.chain(request, signal);
    let attempt: Attempt | undefined;
    try {
      for (;;) {
        if (attempt) {
          const events = attempt.poll();
          if (events) {
            for (const event of events) yield event;
            continue;
          }
          if (!attempt.result) {
            await attempt.ready();
            continue;
          }
          attempt = undefined;
        }
        const step = await chain.next();
        if (step.done) return;
        if (step.value instanceof Attempt) attempt = step.value;
        else yield step.value;
      }
    } finally {
      // When the consumer left early, the attempt stops here and the chain's own clean-up runs (an
      // admitted probe is released, no verdict is given); after a normal end both are no-ops.
      attempt?.close();
      await chain.return(undefined);
    }
  }

  /** The fallback chain for one request: which model next, and what each failure means. */
  private async *chain(request: RouteRequest, signal?: AbortSignal): AsyncGenerator<RouterEvent | Attempt, void, undefined> {
    const settings = this.options.settings();
    const chain = yield* toolCapableChain(resolveChain(settings, request.model), request);
    const { model: _ignored, ...chat } = request;
    const run: Run = {
      settings, request: chat, signal, deadline: this.clock.now() + settings.timeouts.totalMs,
      answer: new Answer(), usage: {}, steps: [], attempts: 0, handovers: 0, refused: false,
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
          const phase = run.answer.length ? 'mid-stream' : 'before-first-token';
          yield { type: 'fallback', from: failed.model.id, to: model.id, error: failed.error, phase, at: run.answer.length, form };
          if (phase === 'mid-stream') run.handovers++;
          if (form === 'restart') run.answer.clear();
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
    if (run.answer.length && settings.continuation.mode === 'off') return '';
    // Before the first token the chain itself is the bound; the budget is for handing over a partial answer.
    if (run.answer.length && run.handovers >= settings.continuation.maxHandovers) {
      return `Stopped after ${run.handovers} handover${run.handovers === 1 ? '' : 's'} (baton.continuation.maxHandovers).`;
    }
    return undefined;
  }

  private failure(run: Run, error: BatonError, headline?: string): RouterError {
    return new RouterError(error, run.steps, run.answer.text, headline);
  }

  private formFor(model: ModelConfig, run: Run, prefillRejected: boolean): AttemptForm {
    if (!run.answer.text.trim()) return 'fresh';
    if (run.settings.continuation.mode === 'restart' || run.refused) return 'restart';
    const prefill = model.prefill ?? providerFor(model.provider).prefillByDefault;
    return prefill && !prefillRejected ? 'prefill' : 'instruction';
  }

  /**
   * Attempts one model until it answers, or returns the error that moves the request on. The
   * model's health hears one verdict for the whole request, however many attempts it took; a
   * request that is cancelled or abandoned (the consumer stopped iterating) gives no verdict.
   */
  private async *tryModel(model: ModelConfig, ticket: HealthTicket, run: Run): AsyncGenerator<RouterEvent | Attempt, BatonError | undefined> {
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
        const streaming = new Attempt(model, form, run, this.clock, this.options.resolveKey);
        yield streaming;
        // The stream loop ran the attempt to its end (had the consumer left, this would not resume).
        const result = streaming.result!;
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
          yield { type: 'tool-calls-kept', model: model.id, error, calls: run.tools.calls.length, at: run.answer.length };
          yield { type: 'done', model: model.id, usage: run.usage, finishReason: 'tool-calls', attempts: run.attempts, handovers: run.handovers };
          return undefined;
        }
        if (form === 'prefill' && error.kind === 'bad-request' && !result.committed) {
          // The target refused the prefill itself; that is not the failure the user should see.
          prefillRejected = true;
          yield { type: 'warning', model: model.id, message: `${model.id} refused the prefill (${error.message}); asking it to continue by instruction instead` };
          continue;
        }
        run.steps.push({ model: model.id, attempt, form, error, phase: run.answer.length ? 'mid-stream' : 'before-first-token', at: run.answer.length });
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
}
