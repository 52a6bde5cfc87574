import type { ChatRequest } from '../chat';
import type { ModelConfig } from '../settings/types';
import type { StreamPart } from '../streamPart';

/** One call to one model: the resolved model entry, its key if any, and the provider-neutral request. */
export interface ProviderCall {
  model: ModelConfig;
  apiKey?: string;
  request: ChatRequest;
  /** Told what happens on the wire as it happens, for the router's timers. */
  watch?: WireWatch;
}

/**
 * What the transport reports as bytes arrive, whether or not anyone has read the parts yet: the
 * provider's silence is measured at the socket, so a slow consumer is never blamed on the provider.
 */
export interface WireWatch {
  /** The response headers arrived. */
  onHeaders(): void;
  /**
   * A network read carried answer or reasoning text. Keep-alives, pings, empty deltas and protocol
   * lifecycle events (Anthropic's message_start with its usage, Responses' response.created) never
   * call this, so they can neither stand in for the first token nor keep a stalled stream alive.
   */
  onContent(): void;
  /** The answer is complete (its completion signal arrived); nothing more needs watching. */
  onEnd(): void;
}

/**
 * The answer to one call, as it arrives. It ends with a `finish` part, or throws a
 * {@link BatonError}. Iterate it for one part at a time; or `open()` it and take whole batches
 * from its {@link PartReader} (the router does, so that a network read costs it one step). Leaving
 * the iteration early, or `cancel()`, closes the body.
 */
export interface PartStream extends AsyncIterable<StreamPart> {
  /** Sends the request: the reader of the response once it is streaming, or rejects with why it is not. */
  open(): Promise<PartReader>;
  cancel(): void;
}

/** A streaming response's parts, for a consumer that takes everything that has arrived at once. */
export interface PartReader {
  /**
   * The parts that arrived since the last call, in order, or undefined when none are waiting.
   * Throws the stream's error once the parts before it are taken.
   */
  take(): StreamPart[] | undefined;
  /** Every part has been taken and the response is over. */
  readonly ended: boolean;
  /** Resolves when there is news for `take()` or `ended`. Never rejects. */
  arrival(): Promise<void>;
}

/**
 * A wire protocol. `stream` sends the request and gives the answer as it arrives. Aborting the
 * signal closes the socket at once.
 */
export interface Provider {
  readonly name: string;
  /** Whether a trailing assistant message is continued by this protocol's usual servers. */
  readonly prefillByDefault: boolean;
  /**
   * The server sends its response headers only with the first token (Ollama loads the model and
   * evaluates the prompt before it writes anything), so waiting for headers is waiting for a token.
   */
  readonly headersWithFirstToken?: boolean;
  stream(call: ProviderCall, signal: AbortSignal): PartStream;
}

/** Generation limits for a call: the request's own, else the model entry's defaults. */
export function sampling(call: ProviderCall): { maxTokens?: number; temperature?: number } {
  return {
    maxTokens: call.request.maxTokens ?? call.model.maxTokens,
    temperature: call.request.temperature ?? call.model.temperature,
  };
}
