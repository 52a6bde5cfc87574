import type { FinishReason } from '../streamPart';
import { anthropicMessages, anthropicTools } from './anthropicRequest';
import { ErrorContext, errorFromPayload } from './httpErrors';
import { parseFrame } from './partSink';
import { Provider, ProviderCall, sampling } from './provider';
import { streamWire, WireRequest } from './transport';
import { joinUrl } from './url';

export const ANTHROPIC_VERSION = '2023-06-01';
/** Anthropic requires max_tokens; 4096 is accepted by every current Claude model. */
const DEFAULT_MAX_TOKENS = 4096;

/** Anthropic Messages: `POST {baseUrl}/messages`, events from message_start to message_stop. */
export const anthropic: Provider = {
  name: 'anthropic',
  prefillByDefault: true,
  stream: (call, signal) => streamWire(call, wireRequest(call), signal),
};

function wireRequest(call: ProviderCall): WireRequest {
  const { model, request, apiKey } = call;
  const url = joinUrl(model.baseUrl, 'messages');
  const ctx: ErrorContext = { provider: 'anthropic', model: model.id, url, apiKey };
  const { maxTokens, temperature } = sampling(call);
  return {
    provider: 'anthropic',
    url,
    headers: { 'anthropic-version': ANTHROPIC_VERSION, ...(apiKey ? { 'x-api-key': apiKey } : {}) },
    body: {
      model: model.model,
      max_tokens: maxTokens ?? DEFAULT_MAX_TOKENS,
      ...(request.system ? { system: request.system } : {}),
      messages: anthropicMessages(request),
      ...anthropicTools(request),
      stream: true,
      ...(temperature !== undefined ? { temperature: Math.min(temperature, 1) } : {}),
    },
    format: 'sse',
    completionSignal: 'message_stop',
    onFrame(frame, sink) {
      if (frame.event === 'ping') return;
      const event = parseFrame(frame.data, 'anthropic', sink);
      if (!event) return;
      switch (frame.event ?? event.type) {
        case 'message_start': {
          const usage = (event.message as Record<string, any> | undefined)?.usage;
          if (usage) {
            const input = (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0);
            sink.usage({ inputTokens: input });
          }
          return;
        }
        case 'content_block_start': {
          const block = event.content_block as Record<string, any> | undefined;
          if (block?.type === 'tool_use') sink.toolCallStart(event.index as number, block.id, block.name, block.input);
          return;
        }
        case 'content_block_delta': {
          const delta = event.delta as Record<string, any> | undefined;
          if (delta?.type === 'text_delta') sink.text(delta.text);
          else if (delta?.type === 'thinking_delta') sink.reasoning(delta.thinking);
          else if (delta?.type === 'input_json_delta') sink.toolCallDelta(event.index as number, delta.partial_json);
          return;
        }
        case 'content_block_stop':
          if (sink.tools.has(event.index as number)) sink.toolCallEnd(event.index as number);
          return;
        case 'message_delta': {
          const reason = (event.delta as Record<string, any> | undefined)?.stop_reason;
          if (typeof reason === 'string' && reason !== 'tool_use') sink.toolCallsDiscard(`the answer ended with ${reason}`);
          if (typeof reason === 'string') sink.finish(finishReason(reason), reason);
          const output = (event.usage as Record<string, any> | undefined)?.output_tokens;
          if (typeof output === 'number') sink.usage({ outputTokens: output });
          return;
        }
        case 'message_stop':
          sink.terminal = true;
          return;
        case 'error':
          return sink.fail(errorFromPayload(event, ctx));
        default:
          return;
      }
    },
  };
}

function finishReason(raw: string): FinishReason {
  switch (raw) {
    case 'end_turn': case 'stop_sequence': return 'stop';
    case 'max_tokens': case 'model_context_window_exceeded': return 'length';
    case 'refusal': return 'content-filter';
    case 'tool_use': return 'tool-calls';
    default: return 'other';
  }
}
