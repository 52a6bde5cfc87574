import type { ToolCall } from '../chat';
import { BatonError } from '../errors';
import type { FinishReason, StreamPart, Usage } from '../streamPart';
import { ToolCallBuffer } from './toolCallBuffer';

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
  /** Tool calls whose arguments are still arriving; see {@link ToolCallBuffer}. */
  readonly tools: ToolCallBuffer;
  /** Complete tool calls emitted so far. */
  toolCalls = 0;
  private progressed = false;

  constructor(provider = 'the provider') {
    this.tools = new ToolCallBuffer(provider);
  }

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

  /**
   * The protocol's finish reason. A turn that called tools finishes with `tool-calls` even where
   * the protocol says `stop` (Gemini, Ollama, the Responses API, some OpenAI-compatible servers).
   */
  finish(reason: FinishReason, raw?: string): void {
    this.finishReason = reason === 'stop' && this.toolCalls > 0 ? 'tool-calls' : reason;
    this.rawFinishReason = raw;
  }

  /** A tool call begins, or its id and name arrive. Counts as activity; shows nothing. */
  toolCallStart(key: string | number, id: unknown, name: unknown, initial?: unknown): void {
    this.tools.start(key, id, name, initial);
    this.progress();
  }

  /** A piece of a tool call's argument JSON: buffered, never shown, but it counts as activity. */
  toolCallDelta(key: string | number, piece: unknown): void {
    if (this.tools.append(key, piece)) this.progress();
  }

  /** The protocol says the call is complete: emits it, or fails the stream when it is not a valid call. */
  toolCallEnd(key: string | number, finalArguments?: unknown): void {
    this.emitCall(this.tools.end(key, finalArguments));
  }

  /** Completes every call still open, in the order they started (at the protocol's finish). */
  toolCallsEnd(): void {
    for (const key of this.tools.keys()) this.toolCallEnd(key);
  }

  /** The answer stopped short (token limit, filter): calls still open are dropped, with a warning. */
  toolCallsDiscard(why: string): void {
    for (const name of this.tools.discardAll()) this.warn(`dropped the unfinished call to "${name}": ${why}`);
  }

  /** A call that arrived whole, as Gemini and Ollama send them. */
  toolCallWhole(id: unknown, name: unknown, args: unknown): void {
    this.emitCall(this.tools.whole(id, name, args));
  }

  private emitCall(call: ToolCall | BatonError | undefined): void {
    if (!call) return;
    if (BatonError.is(call)) return this.fail(call);
    this.flushPending();
    this.parts.push({ type: 'tool-call', call });
    this.toolCalls++;
  }

  private progress(): void {
    if (this.progressed) return;
    this.progressed = true;
    this.flushPending();
    this.parts.push({ type: 'tool-call-progress' });
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
    this.progressed = false;
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
