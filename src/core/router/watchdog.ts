import { BatonError } from '../errors';
import type { Clock } from './clock';

export interface WatchdogLimits {
  firstTokenMs: number;
  idleMs: number;
  /** Absolute clock time at which the whole request must end. */
  deadline: number;
}

/**
 * Watches one attempt for silence: no first token within `firstTokenMs`, no data for `idleMs`
 * after that, or the request's deadline. Only real data counts as activity: the providers never
 * report keep-alives, pings or empty deltas, so they cannot keep a stalled stream alive.
 *
 * One timer per attempt, re-armed lazily, so `activity()` costs a clock read and nothing more.
 */
export class Watchdog {
  private phase: 'idle' | 'waiting-first' | 'streaming' | 'fired' = 'idle';
  private startedAt = 0;
  private lastActivity = 0;
  private sawActivity = false;
  private cancelTimer?: () => void;

  constructor(
    private readonly clock: Clock,
    private readonly limits: WatchdogLimits,
    private readonly model: string,
    private readonly onFire: (error: BatonError) => void,
  ) {}

  /** Whether the watchdog fired before the model sent anything. */
  get silentModel(): boolean {
    return this.phase === 'fired' && !this.sawActivity;
  }

  start(): void {
    this.startedAt = this.clock.now();
    this.phase = 'waiting-first';
    this.arm(this.limits.firstTokenMs);
  }

  activity(): void {
    this.lastActivity = this.clock.now();
    this.sawActivity = true;
    if (this.phase === 'waiting-first') {
      this.phase = 'streaming';
      this.arm(this.limits.idleMs);
    }
  }

  stop(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (this.phase !== 'fired') this.phase = 'idle';
  }

  private arm(ms: number): void {
    this.cancelTimer?.();
    const wait = Math.max(0, Math.min(ms, this.limits.deadline - this.clock.now()));
    this.cancelTimer = this.clock.setTimer(wait, () => this.check());
  }

  private check(): void {
    if (this.phase !== 'waiting-first' && this.phase !== 'streaming') return;
    const now = this.clock.now();
    const due = Math.min(
      this.phase === 'waiting-first' ? this.startedAt + this.limits.firstTokenMs : this.lastActivity + this.limits.idleMs,
      this.limits.deadline,
    );
    if (now < due) {
      this.cancelTimer = this.clock.setTimer(due - now, () => this.check());
      return;
    }
    const error = this.describe(now);
    this.phase = 'fired';
    this.onFire(error);
  }

  private describe(now: number): BatonError {
    const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
    if (now >= this.limits.deadline) {
      return new BatonError('timeout', `the request ran past its total time limit`, { model: this.model, code: 'total' });
    }
    if (this.phase === 'waiting-first') {
      return new BatonError('timeout', `no first token within ${seconds(this.limits.firstTokenMs)}`, { model: this.model, code: 'first-token' });
    }
    return new BatonError('timeout', `stalled: no data for ${seconds(now - this.lastActivity)}`, { model: this.model, code: 'idle' });
  }
}
