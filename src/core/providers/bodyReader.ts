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
 * After the completion signal the reader goes on reading until the body ends by itself, for up to
 * {@link END_OF_BODY_GRACE_MS}: a body cancelled before its end costs the connection, and the next
 * request would pay a new one (and, on a real provider, a TLS handshake).
 */
export class BodyReader {
  private queue: StreamPart[] = [];
  private wake?: () => void;
  private failure?: BatonError;
  private complete = false;
  private bodyEnded = false;
  /** Given up on: the body did not end in time and was cancelled. */
  private abandoned = false;
  private readonly finished: Promise<void>;

  private readonly watch?: WireWatch;

  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>, private readonly options: BodyReaderOptions) {
    this.watch = options.watch;
    this.finished = this.pump();
  }

  /** The parts in order, ending with `finish`; throws the stream's error after the parts before it. */
  async *parts(): AsyncGenerator<StreamPart> {
    let delivered = false;
    try {
      for (;;) {
        if (this.queue.length) {
          const parts = this.queue;
          this.queue = [];
          yield* parts;
          continue;
        }
        if (this.failure) throw this.failure;
        if (this.complete) break;
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
      delivered = true;
      await this.finished;
    } finally {
      if (!delivered) this.cancel();
    }
  }

  private async pump(): Promise<void> {
    const { protocol, signal } = this.options;
    const sink = new PartSink();
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
      this.complete = true;
      this.notify();
      if (!this.bodyEnded && !this.abandoned) await this.awaitEndOfBody();
      // undici hands the connection back to its pool a turn of the event loop after the body's end
      // reaches the reader; without this turn a request sent at once finds it busy and opens another.
      if (this.bodyEnded) await new Promise((resolve) => setImmediate(resolve));
    } catch (error) {
      this.failure = this.options.failure(error);
      this.notify();
      this.cancel();
    }
  }

  /** Queues parts for the consumer; adjacent text is joined, so a slow consumer gets fewer, larger parts. */
  private deliver(parts: StreamPart[]): void {
    if (!parts.length) return;
    if (this.watch && parts.some((part) => part.type === 'text' || part.type === 'reasoning')) this.watch.onContent();
    const last = this.queue[this.queue.length - 1];
    const first = parts[0];
    if (last?.type === 'text' && first.type === 'text') {
      this.queue[this.queue.length - 1] = { type: 'text', text: last.text + first.text };
      this.queue.push(...parts.slice(1));
    } else {
      this.queue.push(...parts);
    }
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

  private cancel(): void {
    this.reader.cancel().catch(() => undefined);
  }
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
