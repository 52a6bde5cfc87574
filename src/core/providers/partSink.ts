import { BatonError } from '../errors';
import type { FinishReason, StreamPart, Usage } from '../streamPart';

/**
 * Where a protocol decoder puts what it read from one network chunk. Adjacent text deltas are
 * merged, so a fast stream costs one part per read rather than one per token.
 */
export class PartSink {
  private parts: StreamPart[] = [];
  // Pieces are joined once per read: a flat string per read, not a rope node per token that the
  // answer would keep alive (and the garbage collector would keep tracing) for the whole stream.
  private pendingText: string[] = [];
  private pendingReasoning: string[] = [];
  /** The normalised finish reason, once the protocol has sent one. */
  finishReason?: FinishReason;
  rawFinishReason?: string;
  /** The protocol's end-of-stream marker arrived: nothing more will come. */
  terminal = false;
  /** An in-band error: the stream failed after a 200. */
  error?: BatonError;
  private consecutiveMalformed = 0;

  text(delta: unknown): void {
    if (typeof delta !== 'string' || delta === '') return;
    if (this.pendingReasoning.length) this.flushReasoning();
    this.pendingText.push(delta);
  }

  reasoning(delta: unknown): void {
    if (typeof delta !== 'string' || delta === '') return;
    if (this.pendingText.length) this.flushText();
    this.pendingReasoning.push(delta);
  }

  usage(usage: Usage): void {
    this.flushPending();
    this.parts.push({ type: 'usage', usage });
  }

  finish(reason: FinishReason, raw?: string): void {
    this.finishReason = reason;
    this.rawFinishReason = raw;
  }

  fail(error: BatonError): void {
    this.error ??= error;
  }

  warn(message: string): void {
    this.flushPending();
    this.parts.push({ type: 'warning', message });
  }

  /** Counts a frame that could not be read; too many in a row means this is not the protocol at all. */
  malformed(provider: string, raw: string): void {
    this.consecutiveMalformed++;
    const sample = raw.length > 80 ? `${raw.slice(0, 80)}…` : raw;
    this.warn(`skipped a malformed frame from ${provider}: ${JSON.stringify(sample)}`);
    if (this.consecutiveMalformed >= 20) {
      this.fail(new BatonError('protocol', `${provider} sent ${this.consecutiveMalformed} unreadable frames in a row; the server does not speak this protocol`, { provider }));
    }
  }

  wellFormed(): void {
    this.consecutiveMalformed = 0;
  }

  /** Takes everything collected since the last drain. */
  drain(): StreamPart[] {
    this.flushPending();
    const out = this.parts;
    this.parts = [];
    return out;
  }

  private flushPending(): void {
    if (this.pendingText.length) this.flushText();
    if (this.pendingReasoning.length) this.flushReasoning();
  }

  private flushText(): void {
    this.parts.push({ type: 'text', text: this.pendingText.length === 1 ? this.pendingText[0] : this.pendingText.join('') });
    this.pendingText = [];
  }

  private flushReasoning(): void {
    this.parts.push({ type: 'reasoning', text: this.pendingReasoning.length === 1 ? this.pendingReasoning[0] : this.pendingReasoning.join('') });
    this.pendingReasoning = [];
  }
}

/** Parses a frame's JSON; a malformed frame is reported to the sink and yields undefined. */
export function parseFrame(data: string, provider: string, sink: PartSink): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(data);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      sink.wellFormed();
      return value as Record<string, unknown>;
    }
  } catch {
    // reported below
  }
  sink.malformed(provider, data);
  return undefined;
}
