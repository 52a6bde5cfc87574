import type { ToolCall } from '../chat';
import type { BatonError } from '../errors';
import type { FinishReason, Usage } from '../streamPart';
import type { AttemptForm } from './continuation';

/** Whether the user had seen any answer text when a model failed. */
export type Phase = 'before-first-token' | 'mid-stream';

/**
 * Everything a routed request reports, in order. Text events, concatenated, are the answer
 * (after a `fallback` with form `restart`, the answer starts again from empty).
 */
export type RouterEvent =
  | { type: 'attempt'; model: string; attempt: number; form: AttemptForm; probe: boolean }
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  /** A complete tool call. It stands: a later failure never takes it back or sends it again. */
  | { type: 'tool-call'; call: ToolCall }
  | { type: 'retry'; model: string; attempt: number; delayMs: number; error: BatonError }
  /** A model in the chain was passed over: its circuit is open, or its context window is too small. */
  | { type: 'skip'; model: string; reason: string }
  /**
   * The answer moves to another model. `at` is how many characters the user had at that moment.
   * Form `restart` is the visible marker that the answer starts again (mode `restart`, or a refusal,
   * which is never continued); front ends show it and drop the text before it.
   */
  | { type: 'fallback'; from: string; to: string; error: BatonError; phase: Phase; at: number; form: AttemptForm }
  | { type: 'warning'; model: string; message: string }
  /**
   * The model failed after it had made complete tool calls. They stand, so there is no handover:
   * the turn ends with them (`done` with `tool-calls` follows) and they are never sent again.
   * `calls` is how many stand; `at` how many characters of text the user had.
   */
  | { type: 'tool-calls-kept'; model: string; error: BatonError; calls: number; at: number }
  | { type: 'done'; model: string; usage: Usage; finishReason: FinishReason; attempts: number; handovers: number };

/** One failed attempt, for the final error's account of what happened. */
export interface FailedStep {
  model: string;
  attempt: number;
  form: AttemptForm;
  error: BatonError;
  phase: Phase;
  /** Characters the user had when this attempt failed. */
  at: number;
}
