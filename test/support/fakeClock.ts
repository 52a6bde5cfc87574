import { abortedError, Clock } from '../../src/core/router/clock';

/**
 * Real timers (so stall detection meets real sockets) but instant sleeps: a sleep advances the
 * clock by its length and is recorded, so backoff and Retry-After are asserted without waiting.
 */
export class SkippingClock implements Clock {
  readonly sleeps: number[] = [];
  private offset = 0;

  now(): number {
    return performance.now() + this.offset;
  }

  advance(ms: number): void {
    this.offset += ms;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw abortedError();
    this.sleeps.push(ms);
    this.offset += ms;
    await new Promise((resolve) => setImmediate(resolve));
    if (signal?.aborted) throw abortedError();
  }

  setTimer(ms: number, fn: () => void): () => void {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  }
}
