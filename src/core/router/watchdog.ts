import { BatonError } from '../errors';
import type { Provider, WireWatch } from '../providers/provider';
import type { ModelConfig, Timeouts } from '../settings/types';
import type { Clock } from './clock';

export interface WatchdogLimits {
  /** From the start to the response headers. */
  headersMs: number;
  /** From the start to the first token. */
  firstTokenMs: number;
  /** The longest silence between tokens. */
  idleMs: number;
  /** Absolute clock time at which the whole request must end. */
  deadline: number;
}

/**
 * The waits for one model: its own `timeouts` over the global ones. A protocol whose server sends
 * its headers only with the first token gets the first-token wait for its headers too.
 */
export function limitsFor(model: ModelConfig, timeouts: Timeouts, provider: Provider, deadline: number): WatchdogLimits {
  const own = model.timeouts ?? {};
  const firstTokenMs = own.firstTokenMs ?? timeouts.firstTokenMs;
  return {
    headersMs: own.headersMs ?? (provider.headersWithFirstToken ? firstTokenMs : timeouts.headersMs),
    firstTokenMs,
    idleMs: own.idleMs ?? timeouts.idleMs,
    deadline,
  };
}

type Phase = 'idle' | 'headers' | 'first-token' | 'streaming' | 'ended';

/**
 * Watches one attempt for silence: no response headers within `headersMs`, no first token within
 * `firstTokenMs`, no token for `idleMs` after that, or the request's deadline.
 *
 * It hears from the transport as bytes arrive ({@link WireWatch}), not from the consumer as it
 * pulls parts, so a slow consumer never makes a healthy provider look stalled. Only text and
 * reasoning count: the transport never reports keep-alives, pings, empty deltas or lifecycle
 * events, so they can neither stand in for the first token nor keep a stalled stream alive.
 *
 * One timer per attempt, re-armed lazily, so `onContent()` costs a clock read and nothing more.
 */
export class Watchdog implements WireWatch {
  private phase: Phase = 'idle';
  private firedIn?: Phase;
  private startedAt = 0;
  private lastActivity = 0;
  private cancelTimer?: () => void;

  constructor(
    private readonly clock: Clock,
    private readonly limits: WatchdogLimits,
    private readonly model: string,
    private readonly onFire: (error: BatonError) => void,
  ) {}

  /** Whether the watchdog fired before the model sent any token: a silent model is not retried. */
  get silentModel(): boolean {
    return this.firedIn === 'headers' || this.firedIn === 'first-token';
  }

  start(): void {
    this.startedAt = this.clock.now();
    this.phase = 'headers';
    this.arm(Math.min(this.limits.headersMs, this.limits.firstTokenMs));
  }

  onHeaders(): void {
    // The timer stays armed for the headers limit; when it fires, check() re-arms for the first token.
    if (this.phase === 'headers') this.phase = 'first-token';
  }

  onContent(): void {
    this.lastActivity = this.clock.now();
    if (this.phase === 'headers' || this.phase === 'first-token') {
      this.phase = 'streaming';
      this.arm(this.limits.idleMs);
    }
  }

  onEnd(): void {
    this.stop();
  }

  stop(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.phase = 'ended';
  }

  private arm(ms: number): void {
    this.cancelTimer?.();
    const wait = Math.max(0, Math.min(ms, this.limits.deadline - this.clock.now()));
    this.cancelTimer = this.clock.setTimer(wait, () => this.check());
  }

  private due(): number {
    const { headersMs, firstTokenMs, idleMs, deadline } = this.limits;
    switch (this.phase) {
      case 'headers': return Math.min(this.startedAt + Math.min(headersMs, firstTokenMs), deadline);
      case 'first-token': return Math.min(this.startedAt + firstTokenMs, deadline);
      default: return Math.min(this.lastActivity + idleMs, deadline);
    }
  }

  private check(): void {
    if (this.phase !== 'headers' && this.phase !== 'first-token' && this.phase !== 'streaming') return;
    const now = this.clock.now();
    const due = this.due();
    if (now < due) {
      this.cancelTimer = this.clock.setTimer(due - now, () => this.check());
      return;
    }
    const error = this.describe(now);
    this.firedIn = this.phase;
    this.phase = 'ended';
    this.onFire(error);
  }

  private describe(now: number): BatonError {
    const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
    const { headersMs, firstTokenMs } = this.limits;
    if (now >= this.limits.deadline) {
      return new BatonError('timeout', 'the request ran past its total time limit', { model: this.model, code: 'total' });
    }
    if (this.phase === 'headers' && headersMs < firstTokenMs) {
      return new BatonError('timeout', `no response headers within ${seconds(headersMs)}: the server took the request and did not answer`, { model: this.model, code: 'headers' });
    }
    if (this.phase !== 'streaming') {
      return new BatonError('timeout', `no first token within ${seconds(firstTokenMs)}`, { model: this.model, code: 'first-token' });
    }
    return new BatonError('timeout', `stalled: no data for ${seconds(now - this.lastActivity)}`, { model: this.model, code: 'idle' });
  }
}
