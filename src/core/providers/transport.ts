import { createParser } from 'eventsource-parser';
import { BatonError } from '../errors';
import type { StreamPart } from '../streamPart';
import { ErrorContext, errorFromPayload, errorFromResponse, networkError } from './httpErrors';
import { PartSink } from './partSink';
import { fetchWithoutLeaks } from './redirect';
import type { ProviderCall } from './provider';

/** One SSE event (`event` may be absent) or one NDJSON line (no `event`). */
export interface Frame {
  event?: string;
  data: string;
}

/** What a protocol module tells the shared transport about one request. */
export interface WireRequest {
  provider: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  format: 'sse' | 'ndjson';
  /** Names the completion signal in the message of a truncated stream, e.g. `message_stop`. */
  completionSignal: string;
  /** Reads one frame into the sink: parts, finish, terminal, or an in-band error. */
  onFrame(frame: Frame, sink: PartSink): void;
  /**
   * The finish reason alone completes the stream (OpenAI Chat Completions, where `[DONE]` is
   * sometimes never sent). After it, the transport waits at most {@link FINISH_GRACE_MS} for the rest.
   */
  finishCompletes?: boolean;
}

/** How long an OpenAI stream that sent its finish_reason may take to send usage and `[DONE]`. */
export const FINISH_GRACE_MS = 1_000;
const MAX_ERROR_BODY = 64 * 1024;

/**
 * Sends the request and turns the response into stream parts. Owns everything the protocols share:
 * HTTP errors, HTML pages from proxies, SSE or NDJSON framing across chunk and UTF-8 boundaries,
 * in-band errors, completion and truncation. Leaving the iteration early cancels the body.
 */
export async function* streamWire(call: ProviderCall, wire: WireRequest, signal: AbortSignal): AsyncGenerator<StreamPart> {
  const ctx: ErrorContext = { provider: wire.provider, model: call.model.id, url: wire.url, apiKey: call.apiKey };
  let response: Response;
  try {
    response = await fetchWithoutLeaks(wire.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: wire.format === 'sse' ? 'text/event-stream' : 'application/x-ndjson',
        ...call.model.headers,
        ...wire.headers,
      },
      body: JSON.stringify({ ...(wire.body as object), ...call.model.extraBody }),
      signal,
    }, ctx);
  } catch (error) {
    throw failure(error, signal, ctx);
  }
  if (!response.ok) {
    throw errorFromResponse(response.status, response.headers, await readSome(response, signal, ctx), ctx);
  }
  const contentType = response.headers.get('content-type') ?? '';
  if (/html/i.test(contentType) || (wire.format === 'sse' && /json/i.test(contentType))) {
    throw notAStream(response.status, response.headers, await readSome(response, signal, ctx), contentType, ctx);
  }
  if (!response.body) throw new BatonError('protocol', `${wire.provider} answered with an empty body`, { provider: wire.provider, model: ctx.model });

  const sink = new PartSink();
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  // Frames go straight to the decoder; after an error or the terminator the rest are ignored.
  const onFrame = (frame: Frame) => {
    if (!sink.error && !sink.terminal) wire.onFrame(frame, sink);
  };
  const feed = wire.format === 'sse' ? sseFramer(onFrame) : ndjsonFramer(onFrame);
  let settled = false;
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      const lingering = wire.finishCompletes && sink.finishReason !== undefined;
      try {
        chunk = lingering ? await readWithin(reader, FINISH_GRACE_MS) : await reader.read();
      } catch (error) {
        if (lingering && !signal.aborted) break;
        throw failure(error, signal, ctx);
      }
      if (chunk.done) {
        feed.end(decoder.decode());
      } else {
        feed.push(decoder.decode(chunk.value, { stream: true }));
      }
      yield* sink.drain();
      if (sink.error) throw sink.error;
      if (sink.terminal || chunk.done) break;
    }
    if (!sink.terminal && !(wire.finishCompletes && sink.finishReason)) {
      throw new BatonError('truncated', `${wire.provider} stream ended without its completion signal (${wire.completionSignal}); the answer is incomplete`, {
        provider: wire.provider, model: ctx.model,
      });
    }
    settled = true;
    yield { type: 'finish', reason: sink.finishReason ?? 'stop', raw: sink.rawFinishReason };
  } finally {
    if (!settled || !sink.terminal) reader.cancel().catch(() => undefined);
  }
}

/** Maps whatever fetch or the body threw into a typed error; an abort keeps the reason it was given. */
function failure(error: unknown, signal: AbortSignal, ctx: ErrorContext): BatonError {
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    return BatonError.is(reason) ? reason : new BatonError('aborted', 'the request was cancelled', { provider: ctx.provider, model: ctx.model });
  }
  if (BatonError.is(error)) return error;
  return networkError(error, ctx);
}

async function readSome(response: Response, signal: AbortSignal, ctx: ErrorContext): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < MAX_ERROR_BODY) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    if (signal.aborted) throw failure(error, signal, ctx);
    // A body cut short still tells us the status; keep what arrived.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return text;
}

/** A 2xx that is not a stream: an HTML page (captive portal, wrong baseUrl) or a JSON error or answer. */
function notAStream(status: number, headers: Headers, body: string, contentType: string, ctx: ErrorContext): BatonError {
  if (/html/i.test(contentType) || /^\s*</.test(body)) {
    const error = errorFromResponse(status, headers, body, ctx);
    return new BatonError('protocol', error.message, { status, provider: ctx.provider, model: ctx.model });
  }
  try {
    const payload = JSON.parse(body);
    if (payload && typeof payload === 'object' && 'error' in payload) return errorFromPayload(payload, ctx);
  } catch {
    // fall through to the generic message
  }
  return new BatonError('protocol', `${ctx.provider} answered with ${contentType || 'an unknown content type'} instead of a stream; the server may not support streaming at this URL`, {
    status, provider: ctx.provider, model: ctx.model,
  });
}

/** Resolves like `reader.read()`, or as done when nothing arrives within `ms`. */
async function readWithin(reader: ReadableStreamDefaultReader<Uint8Array>, ms: number): Promise<ReadableStreamReadResult<Uint8Array>> {
  let timer: NodeJS.Timeout | undefined;
  const quiet = new Promise<ReadableStreamReadResult<Uint8Array>>((resolve) => {
    timer = setTimeout(() => resolve({ done: true, value: undefined }), ms);
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
