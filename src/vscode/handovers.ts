import { describeKind } from '../core/errors';
import type { RouterEvent } from '../core/router/events';

/** One time a backup took over, as the status bar, its tooltip and the handover list show it. */
export interface Handover {
  at: Date;
  from: string;
  to: string;
  /** Short words: "connection failed", "overloaded", "timed out". */
  reason: string;
  /**
   * The failure's own message. The provider layer redacted only that request's key; whatever shows
   * it redacts every key Baton knows, at the time it shows it.
   */
  detail: string;
  phase: 'before-first-token' | 'mid-stream';
  /** Characters of the answer the user had at that moment. */
  chars: number;
}

export function handoverFrom(event: Extract<RouterEvent, { type: 'fallback' }>, at = new Date()): Handover {
  return {
    at, from: event.from, to: event.to, reason: describeKind(event.error.kind), detail: event.error.message,
    phase: event.phase, chars: event.at,
  };
}

/** "fast dropped at 1,204 chars: connection failed → claude" */
export function describeHandover(h: Handover): string {
  const where = h.phase === 'mid-stream' ? `dropped at ${h.chars.toLocaleString('en-US')} chars` : 'failed before the first token';
  return `${h.from} ${where}: ${h.reason} → ${h.to}`;
}
