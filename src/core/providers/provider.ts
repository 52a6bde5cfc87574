import type { ChatRequest } from '../chat';
import type { ModelConfig } from '../settings/types';
import type { StreamPart } from '../streamPart';

/** One call to one model: the resolved model entry, its key if any, and the provider-neutral request. */
export interface ProviderCall {
  model: ModelConfig;
  apiKey?: string;
  request: ChatRequest;
}

/**
 * A wire protocol. `stream` sends the request and yields the answer as it arrives. It ends with a
 * `finish` part, or throws a {@link BatonError}. Aborting the signal closes the socket at once, and
 * so does leaving the iteration early.
 */
export interface Provider {
  readonly name: string;
  /** Whether a trailing assistant message is continued by this protocol's usual servers. */
  readonly prefillByDefault: boolean;
  stream(call: ProviderCall, signal: AbortSignal): AsyncIterable<StreamPart>;
}

/** Generation limits for a call: the request's own, else the model entry's defaults. */
export function sampling(call: ProviderCall): { maxTokens?: number; temperature?: number } {
  return {
    maxTokens: call.request.maxTokens ?? call.model.maxTokens,
    temperature: call.request.temperature ?? call.model.temperature,
  };
}
