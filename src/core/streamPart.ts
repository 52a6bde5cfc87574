import type { ToolCall } from './chat';

/** Token counts as a provider reports them. Missing fields were not reported. */
export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  /** Reasoning tokens, where the provider counts them separately (already included in outputTokens). */
  reasoningTokens?: number;
  /** True when some of these counts were estimated from text length, because the stream died before reporting. */
  estimated?: boolean;
}

/** Why a model stopped, normalised across protocols. `tool-calls`: it called tools and waits for their results. */
export type FinishReason = 'stop' | 'length' | 'content-filter' | 'tool-calls' | 'other';

/**
 * One piece of a streamed answer. A provider's stream is a sequence of these and always ends
 * with exactly one `finish`; a stream that cannot reach its finish throws a {@link BatonError} instead.
 */
export type StreamPart =
  /** Answer text. Adjacent deltas may be merged (those of one network read, and more while the consumer is behind). Never empty. */
  | { type: 'text'; text: string }
  /** Reasoning ("thinking") text, where the protocol streams it. Never empty. */
  | { type: 'reasoning'; text: string }
  | { type: 'usage'; usage: Usage }
  /**
   * A complete tool call, emitted once its arguments arrived whole and parsed as a JSON object.
   * Argument deltas are buffered by the provider and never surface on their own.
   */
  | { type: 'tool-call'; call: ToolCall }
  /**
   * Part of a tool call arrived (its name, or a piece of its arguments) and was buffered. Nothing
   * to show; it tells the router that the model is producing output, so the stall watchdog does
   * not fire while a long argument object streams in. At most one per network read.
   */
  | { type: 'tool-call-progress' }
  /** The protocol's completion signal arrived. `raw` is the provider's own reason string. */
  | { type: 'finish'; reason: FinishReason; raw?: string }
  /** Something odd that did not stop the stream, such as a malformed frame that was skipped. */
  | { type: 'warning'; message: string };

/** Adds two usage records; undefined fields stay undefined unless either side has them. */
export function addUsage(a: Usage, b: Usage): Usage {
  const sum = (x?: number, y?: number) => (x === undefined && y === undefined ? undefined : (x ?? 0) + (y ?? 0));
  const out: Usage = {
    inputTokens: sum(a.inputTokens, b.inputTokens),
    outputTokens: sum(a.outputTokens, b.outputTokens),
    reasoningTokens: sum(a.reasoningTokens, b.reasoningTokens),
  };
  if (a.estimated || b.estimated) out.estimated = true;
  for (const key of Object.keys(out) as (keyof Usage)[]) if (out[key] === undefined) delete out[key];
  return out;
}
