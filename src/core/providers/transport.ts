import { BatonError } from '../errors';
import type { StreamPart } from '../streamPart';
import { BodyReader, FINISH_GRACE_MS, Frame } from './bodyReader';
import { ErrorContext, errorFromPayload, errorFromResponse, networkError } from './httpErrors';
import type { PartSink } from './partSink';
import { fetchWithoutLeaks } from './redirect';
import type { PartReader, PartStream, ProviderCall } from './provider';

export type { Frame } from './bodyReader';
export { FINISH_GRACE_MS } from './bodyReader';

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
  /**
   * Offered the error of a refused request (an HTTP error, before any body): returns the request
   * to send instead, once, when the server named a parameter it wants changed.
   */
  amend?(error: BatonError): WireRequest | undefined;
}

const MAX_ERROR_BODY = 64 * 1024;

/**
 * Sends the request and turns the response into stream parts. Owns everything the protocols share:
 * HTTP errors, HTML pages from proxies, SSE or NDJSON framing across chunk and UTF-8 boundaries
 * (in {@link BodyReader}, which reads as bytes arrive and tells `call.watch`), in-band errors,
 * completion and truncation. The request goes out on `open()` or the first iteration.
 */
export function streamWire(call: ProviderCall, wire: WireRequest, signal: AbortSignal): PartStream {
  return new WireStream(call, wire, signal);
}

/**
 * One response, read as it arrives. A consumer that wants every part as it comes iterates; the
 * router opens it and takes whole batches from the reader, so that a network read costs it one
 * step, not one per part.
 */
class WireStream implements PartStream {
  private body?: BodyReader;

  constructor(private readonly call: ProviderCall, private readonly wire: WireRequest, private readonly signal: AbortSignal) {}

  async open(): Promise<PartReader> {
    this.body = await openBody(this.call, this.wire, this.signal);
    return this.body;
  }

  cancel(): void {
    this.body?.cancel();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<StreamPart> {
    let delivered = false;
    try {
      const body = this.body ?? (await this.open());
      for (;;) {
        const parts = body.take();
        if (parts) for (const part of parts) yield part;
        else if (body.ended) break;
        else await body.arrival();
      }
      delivered = true;
    } finally {
      if (!delivered) this.cancel();
    }
  }
}

/** Sends the request and checks the response: a reader for its body, or the error it amounts to. */
async function openBody(call: ProviderCall, wire: WireRequest, signal: AbortSignal): Promise<BodyReader> {
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
  call.watch?.onHeaders();
  if (!response.ok) {
    const error = errorFromResponse(response.status, response.headers, await readSome(response, signal, ctx), ctx);
    const amended = wire.amend?.(error);
    if (amended) return openBody(call, { ...amended, amend: undefined }, signal);
    throw error;
  }
  const contentType = response.headers.get('content-type') ?? '';
  if (/html/i.test(contentType) || (wire.format === 'sse' && /json/i.test(contentType))) {
    throw notAStream(response.status, response.headers, await readSome(response, signal, ctx), contentType, ctx);
  }
  if (!response.body) throw new BatonError('protocol', `${wire.provider} answered with an empty body`, { provider: wire.provider, model: ctx.model });
  return new BodyReader(response.body.getReader(), {
    protocol: wire, model: ctx.model, signal, watch: call.watch, failure: (error) => failure(error, signal, ctx),
  });
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
