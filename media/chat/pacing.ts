/**
 * How long a streaming answer waits between renders. Re-rendering the open block is the only
 * repeated work, so its cost and the stream's speed set the pace: about 30 renders a second for
 * any stream a person can read along with, slowing to 10 a second for floods of thousands of
 * characters a second (unreadable live anyway), where each render would otherwise add little but
 * cost the same. An expensive open block (a long table or code block) also slows it down.
 */
export const MIN_GAP_MS = 30;
export const MAX_GAP_MS = 100;
/** Up to this many characters a second, render as often as MIN_GAP_MS allows. */
const CALM = 1_500;
/** From this many characters a second on, wait MAX_GAP_MS. */
const FLOOD = 10_000;
/** The open block may take at most a quarter of the time. */
const TAIL_FACTOR = 4;

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

export function renderGap(tailMs: number, charsPerSecond: number): number {
  const bySpeed = MIN_GAP_MS + (MAX_GAP_MS - MIN_GAP_MS) * clamp((charsPerSecond - CALM) / (FLOOD - CALM), 0, 1);
  return clamp(Math.max(bySpeed, tailMs * TAIL_FACTOR), MIN_GAP_MS, MAX_GAP_MS);
}
