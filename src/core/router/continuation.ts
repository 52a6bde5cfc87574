import type { ChatRequest } from '../chat';

/**
 * How an attempt asks its model for text.
 * - `fresh`: the original request.
 * - `prefill`: the partial answer as a trailing assistant message, which the model continues.
 * - `instruction`: the partial answer as an assistant turn, then a user turn asking to continue it.
 * - `restart`: the original request again; the user's partial answer is discarded.
 */
export type AttemptForm = 'fresh' | 'prefill' | 'instruction' | 'restart';

/**
 * The request that carries an answer on to another model. The user's system prompt is passed
 * through untouched: the continuation instruction is a user turn, so it never overrides a persona.
 * A prefill never ends in whitespace (Anthropic rejects that); the seam stitcher restores it.
 */
export function continuationRequest(original: ChatRequest, partial: string, form: AttemptForm, prompt: string): ChatRequest {
  switch (form) {
    case 'fresh':
    case 'restart':
      return original;
    case 'prefill':
      return { ...original, messages: [...original.messages, { role: 'assistant', content: partial.trimEnd() }] };
    case 'instruction':
      return {
        ...original,
        messages: [...original.messages, { role: 'assistant', content: partial }, { role: 'user', content: prompt }],
      };
  }
}
