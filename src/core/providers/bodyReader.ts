import { createParser } from 'eventsource-parser';
import { BatonError } from '../errors';
import type { StreamPart } from '../streamPart';
import { PartSink } from './partSink';
import type { WireWatch } from './provider';

/** One SSE event (`event` may be absent) or one NDJSON line (no `event`). */
export interface Frame {
  event?: string;
  data: string;
}

/** What the body reader needs to know about the protocol (the transport's `WireRequest` is one). */
export interface BodyProtocol {
  provider: string;
  format: 'sse' | 'ndjson';
  completionSignal: string;
  onFrame(frame: Frame, sink: PartSink): void;
  finishCompletes?: boolean;
}

export interface BodyReaderOptions {
  protocol: BodyProtocol;
  /** The Baton model id, for the errors the reader raises itself. */
  model?: string;
  /** The request's signal: a read that fails after it aborted fails for the abort's reason. */
  signal: AbortSignal;
  /** Maps whatever a read threw into a typed error. */
  failure: (error: unknown) => BatonError;
  watch?: WireWatch;
}

/** How long an OpenAI stream that sent its finish_reason may take to send usage and `[DONE]`. */
export const FINISH_GRACE_MS = 1_000;
/** How long a complete answer's body may take to end, so that its connection can be reused. */
export const END_OF_BODY_GRACE_MS = 1_000;

/**
 * Reads a response body as fast as the network delivers it, frames and decodes it, and queues the
 * parts for a consumer that may be slower (a terminal paged through `less`, a busy extension host).
 *
 * Reading does not wait for the consumer, so the {@link WireWatch} hears about each piece of text
 * when its bytes arrive, and a provider is judged on its own silence. The price is memory: parts
 * wait in the queue until they are consumed (at most one answer's worth).
 *
 * The consumer calls `take()` for everything that arrived since its last call, and waits for
 * `arrival()` when nothing has.
 *
 * After the completion signal the reader goes on reading until the body ends by itself, for up to
 * {@link END_OF_BODY_GRACE_MS}: a body cancelled before its end costs the connection, and the next
 * request would pay a new one (and, on a real provider, a TLS handshake).
 */
export class BodyReader {
  private queue: StreamPart[] = [];
  private wake?: () => void;
  private failure?: BatonError;
  private bodyEnded = false;
  /** Done with the body: it ended (or was given up on) after the answer completed. */
  private over = false;
  /** Given up on: the body did not end in time and was cancelled. */
  private abandoned = false;
  private readonly watch?: WireWatch;

  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>, private readonly options: BodyReaderOptions) {
    this.watch = options.watch;
    void this.pump();
  }

  /**
   * The parts that arrived since the last call, in order (the last one is `finish`), or undefined
   * when none are waiting. Once the queue is empty, throws the stream's error if it failed.
   */
  take(): StreamPart[] | undefined {
    if (this.queue.length) {
      const parts = this.queue;
      this.queue = [];
      return parts.length === 1 ? parts : coalesce(parts);
    }
    if (this.failure) throw this.failure;
    return undefined;
  }

  /**
   * Every part has been taken and the body has ended by itself, so its connection is back in the
   * pool (or the reader gave up waiting for that end and cancelled it).
   */
  get ended(): boolean {
    return this.over && !this.queue.length;
  }

  /** Resolves when there is news for `take()` or `ended`: parts arrived, the stream failed, or it ended. */
  arrival(): Promise<void> {
    return new Promise<void>((resolve) => (this.wake = resolve));
  }

  /** Stops reading and closes the body (the consumer left before the end). */
  cancel(): void {
    this.reader.cancel().catch(() => undefined);
  }

  private async pump(): Promise<void> {
    const { protocol, signal } = this.options;
    const sink = new PartSink(protocol.provider);
    const decoder = new TextDecoder();
    // Frames go straight to the decoder; after an error or the terminator the rest are ignored.
    const onFrame = (frame: Frame) => {
      if (!sink.error && !sink.terminal) protocol.onFrame(frame, sink);
    };
    const feed = protocol.format === 'sse' ? sseFramer(onFrame) : ndjsonFramer(onFrame);
    try {
      for (;;) {
        const lingering = protocol.finishCompletes && sink.finishReason !== undefined;
        let chunk: ReadableStreamReadResult<Uint8Array> | undefined;
        try {
          chunk = lingering ? await readWithin(this.reader, FINISH_GRACE_MS) : await this.reader.read();
        } catch (error) {
          // After the finish reason the answer is whole: a connection that drops instead of sending [DONE] is no failure.
          if (lingering && !signal.aborted) break;
          throw error;
        }
        if (chunk === undefined) {
          // The server keeps the stream open after its finish reason and the grace has passed.
          this.cancel();
          this.abandoned = true;
          break;
        }
        if (chunk.done) {
          this.bodyEnded = true;
          feed.end(decoder.decode());
        } else {
          feed.push(decoder.decode(chunk.value, { stream: true }));
        }
        this.deliver(sink.drain());
        if (sink.error) throw sink.error;
        if (sink.terminal || chunk.done) break;
        if (protocol.finishCompletes && sink.finishReason !== undefined) this.watch?.onEnd();
      }
      if (!sink.terminal && !(protocol.finishCompletes && sink.finishReason)) {
        throw new BatonError('truncated', `${protocol.provider} stream ended without its completion signal (${protocol.completionSignal}); the answer is incomplete`, {
          provider: protocol.provider, model: this.options.model,
        });
      }
      this.watch?.onEnd();
      this.deliver([{ type: 'finish', reason: sink.finishReason ?? 'stop', raw: sink.rawFinishReason }]);
      if (!this.bodyEnded && !this.abandoned) await this.awaitEndOfBody();
      // undici hands the connection back to its pool a turn of the event loop after the body's end
      // reaches the reader; without this turn a request sent at once finds it busy and opens another.
      if (this.bodyEnded) await new Promise((resolve) => setImmediate(resolve));
      this.over = true;
      this.notify();
    } catch (error) {
      this.failure = this.options.failure(error);
      this.notify();
      this.cancel();
    }
  }

  /** Queues the parts of one read for the consumer. */
  private deliver(parts: StreamPart[]): void {
    if (!parts.length) return;
    if (this.watch && parts.some((part) => part.type === 'text' || part.type === 'reasoning' || part.type === 'tool-call' || part.type === 'tool-call-progress')) this.watch.onContent();
    for (const part of parts) this.queue.push(part);
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Reads whatever follows the completion signal until the body ends, or gives up and cancels. */
  private async awaitEndOfBody(): Promise<void> {
    const deadline = performance.now() + END_OF_BODY_GRACE_MS;
    for (;;) {
      const left = deadline - performance.now();
      const chunk = left > 0 ? await readWithin(this.reader, left).catch(() => undefined) : undefined;
      if (chunk?.done) {
        this.bodyEnded = true;
        return;
      }
      if (chunk === undefined) {
        this.abandoned = true;
        return this.cancel();
      }
    }
  }

}

/**
 * Joins adjacent text parts, so a consumer that fell behind gets one part for everything that
 * arrived meanwhile. Joined once into a flat string: a rope built by `+` would be flattened again
 * by whoever writes it out.
 */
function coalesce(parts: StreamPart[]): StreamPart[] {
  const out: StreamPart[] = [];
  let texts: string[] = [];
  const flush = () => {
    if (texts.length) out.push({ type: 'text', text: texts.length === 1 ? texts[0] : texts.join('') });
    texts = [];
  };
  for (const part of parts) {
    if (part.type === 'text') {
      texts.push(part.text);
    } else {
      flush();
      out.push(part);
    }
  }
  flush();
  return out;
}

/** Resolves like `reader.read()`, or with undefined when nothing arrives within `ms`. */
async function readWithin(reader: ReadableStreamDefaultReader<Uint8Array>, ms: number): Promise<ReadableStreamReadResult<Uint8Array> | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const quiet = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([reader.read(), quiet]);
  } finally {
    clearTimeout(timer);
  }
}

interface Framer {
  push(text: string): void;
  end(text: string): void;
}

/** SSE framing by eventsource-parser: comments (keep-alives) and `retry:` lines never reach the decoder. */
function sseFramer(onFrame: (frame: Frame) => void): Framer {
  const parser = createParser({ onEvent: onFrame });
  return { push: (text) => parser.feed(text), end: (text) => parser.feed(text) };
}

/** NDJSON framing: complete lines only, blank lines skipped, the last line flushed at the end. */
function ndjsonFramer(onFrame: (frame: Frame) => void): Framer {
  let buffer = '';
  const lines = (text: string, final: boolean) => {
    buffer += text;
    let start = 0;
    for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n', start)) {
      const line = buffer.slice(start, nl).trim();
      if (line) onFrame({ data: line });
      start = nl + 1;
    }
    buffer = buffer.slice(start);
    if (final && buffer.trim()) onFrame({ data: buffer.trim() });
  };
  return { push: (text) => lines(text, false), end: (text) => lines(text, true) };
}
