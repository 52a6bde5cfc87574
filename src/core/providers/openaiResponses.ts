import type { Usage } from '../streamPart';
import { ErrorContext, errorFromPayload } from './httpErrors';
import { responsesInput, responsesTools } from './openaiResponsesRequest';
import { parseFrame } from './partSink';
import { Provider, ProviderCall, sampling } from './provider';
import { streamWire, WireRequest } from './transport';
import { isAzureHost, joinUrl } from './url';

/** OpenAI Responses: `POST {baseUrl}/responses`, typed SSE events ending in `response.completed`. */
export const openaiResponses: Provider = {
  name: 'openai-responses',
  prefillByDefault: false,
  stream: (call, signal) => streamWire(call, wireRequest(call), signal),
};

function wireRequest(call: ProviderCall): WireRequest {
  const { model, request, apiKey } = call;
  const url = joinUrl(model.baseUrl, 'responses');
  const ctx: ErrorContext = { provider: 'openai-responses', model: model.id, url, apiKey };
  const { maxTokens, temperature } = sampling(call);
  let refused = false;
  return {
    provider: 'openai-responses',
    url,
    headers: apiKey ? (isAzureHost(model.baseUrl) ? { 'api-key': apiKey } : { authorization: `Bearer ${apiKey}` }) : {},
    body: {
      model: model.model,
      ...(request.system ? { instructions: request.system } : {}),
      input: responsesInput(request),
      ...responsesTools(request),
      stream: true,
      store: false,
      ...(maxTokens ? { max_output_tokens: maxTokens } : {}),
      ...(temperature !== undefined ? { temperature } : {}),
    },
    format: 'sse',
    completionSignal: 'response.completed',
    onFrame(frame, sink) {
      const event = parseFrame(frame.data, 'openai-responses', sink);
      if (!event) return;
      const response = event.response as Record<string, any> | undefined;
      const item = event.item as Record<string, any> | undefined;
      // A function call is keyed by its item id (deltas name it in `item_id`), else by its position.
      const key = item?.id ?? event.item_id ?? event.output_index;
      switch (frame.event ?? event.type) {
        case 'response.output_item.added':
          if (item?.type === 'function_call') {
            sink.toolCallStart(key, item.call_id, item.name);
            sink.toolCallDelta(key, item.arguments);
          }
          return;
        case 'response.function_call_arguments.delta':
          return sink.toolCallDelta(key, event.delta);
        case 'response.output_item.done':
          if (item?.type === 'function_call') {
            sink.toolCallStart(key, item.call_id, item.name);
            sink.toolCallEnd(key, item.arguments);
          }
          return;
        case 'response.output_text.delta':
          return sink.text(event.delta);
        case 'response.refusal.delta':
          refused = true;
          return sink.text(event.delta);
        case 'response.reasoning_summary_text.delta':
        case 'response.reasoning_text.delta':
          return sink.reasoning(event.delta);
        case 'response.completed':
          sink.toolCallsEnd();
          if (response?.usage) sink.usage(usage(response.usage));
          sink.finish(refused ? 'content-filter' : 'stop', response?.status);
          sink.terminal = true;
          return;
        case 'response.incomplete': {
          if (response?.usage) sink.usage(usage(response.usage));
          const reason = response?.incomplete_details?.reason;
          sink.toolCallsDiscard(`the response is incomplete (${reason ?? 'no reason given'})`);
          sink.finish(reason === 'content_filter' ? 'content-filter' : reason === 'max_output_tokens' ? 'length' : 'other', reason);
          sink.terminal = true;
          return;
        }
        case 'response.failed':
          return sink.fail(errorFromPayload({ error: response?.error ?? { message: 'the response failed without a reason' } }, ctx));
        case 'error':
          return sink.fail(errorFromPayload(event, ctx));
        default:
          return;
      }
    },
  };
}

function usage(raw: Record<string, any>): Usage {
  return {
    inputTokens: raw.input_tokens,
    outputTokens: raw.output_tokens,
    reasoningTokens: raw.output_tokens_details?.reasoning_tokens,
  };
}
