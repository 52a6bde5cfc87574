import { BatonError } from '../../src/core/errors';
import type { FinishReason, StreamPart, Usage } from '../../src/core/streamPart';
import { addUsage } from '../../src/core/streamPart';

export interface Collected {
  text: string;
  reasoning: string;
  usage: Usage;
  finish?: FinishReason;
  warnings: string[];
  parts: StreamPart[];
  error?: BatonError;
}

/** Drains a provider stream, keeping every part and the error it ended with, if any. */
export async function collect(stream: AsyncIterable<StreamPart>): Promise<Collected> {
  const out: Collected = { text: '', reasoning: '', usage: {}, warnings: [], parts: [] };
  try {
    for await (const part of stream) {
      out.parts.push(part);
      if (part.type === 'text') out.text += part.text;
      else if (part.type === 'reasoning') out.reasoning += part.text;
      else if (part.type === 'usage') out.usage = addUsage(out.usage, part.usage);
      else if (part.type === 'finish') out.finish = part.reason;
      else if (part.type === 'warning') out.warnings.push(part.message);
    }
  } catch (error) {
    if (!BatonError.is(error)) throw error;
    out.error = error;
  }
  return out;
}
