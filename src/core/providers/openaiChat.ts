import type { FinishReason } from '../streamPart';
import { ErrorContext, errorFromPayload } from './httpErrors';
import { openaiChatMessages, openaiChatTools } from './openaiChatRequest';
import { parseFrame, PartSink } from './partSink';
import { Provider, ProviderCall, sampling } from './provider';
import { streamWire, WireRequest } from './transport';
import { isAzureHost, joinUrl } from './url';

/**
 * OpenAI Chat Completions, and every server that copies it: LiteLLM, OpenRouter, vLLM, LM Studio,
 * llama.cpp, Azure. `POST {baseUrl}/chat/completions` with `stream: true` and usage requested.
 */
export const openaiChat: Provider = {
  name: 'openai',
  prefillByDefault: false,
  stream: (call, signal) => streamWire(call, wireRequest(call, tokenFieldFor(call)), signal),
};

type TokenField = 'max_tokens' | 'max_completion_tokens';

/**
 * Servers (base URL and model) that refused `max_tokens`. Compatible servers expect `max_tokens`,
 * but reasoning deployments (Azure's o-series and gpt-5, and proxies in front of them) reject it and
 * ask for `max_completion_tokens`, which older Azure API versions reject in turn. The server says
 * which it wants, so Baton asks it once and remembers.
 */
const refusesMaxTokens = new Set<string>();

const serverOf = (call: ProviderCall) => `${call.model.baseUrl} ${call.model.model}`;

function tokenFieldFor(call: ProviderCall): TokenField {
  const official = new URL(call.model.baseUrl).hostname === 'api.openai.com';
  return official || refusesMaxTokens.has(serverOf(call)) ? 'max_completion_tokens' : 'max_tokens';
}

function wireRequest(call: ProviderCall, tokenField: TokenField): WireRequest {
  const { model, request, apiKey } = call;
  const url = joinUrl(model.baseUrl, 'chat/completions');
  const ctx: ErrorContext = { provider: 'openai', model: model.id, url, apiKey };
  const { maxTokens, temperature } = sampling(call);
  let refused = false;
  const ended = new Set<number>();
  return {
    provider: 'openai',
    url,
    headers: apiKey ? (isAzureHost(model.baseUrl) ? { 'api-key': apiKey } : { authorization: `Bearer ${apiKey}` }) : {},
    body: {
      model: model.model,
      messages: openaiChatMessages(request),
      ...openaiChatTools(request),
      stream: true,
      stream_options: { include_usage: true },
      ...(maxTokens ? { [tokenField]: maxTokens } : {}),
      ...(temperature !== undefined ? { temperature } : {}),
    },
    format: 'sse',
    completionSignal: 'data: [DONE]',
    finishCompletes: true,
    amend: tokenField === 'max_tokens' && maxTokens ? (error) => {
      if (error.kind !== 'bad-request' || error.param !== 'max_tokens') return undefined;
      refusesMaxTokens.add(serverOf(call));
      return wireRequest(call, 'max_completion_tokens');
    } : undefined,
    onFrame(frame, sink) {
      if (frame.data === '[DONE]') {
        sink.terminal = true;
        return;
      }
      const chunk = parseFrame(frame.data, 'openai', sink);
      if (!chunk) return;
      // vLLM sends its errors flat: {"object": "error", "message": ..., "code": 500}.
      if (chunk.error || chunk.object === 'error') return sink.fail(errorFromPayload(chunk, ctx));
      const choice = Array.isArray(chunk.choices) ? (chunk.choices[0] as Record<string, any> | undefined) : undefined;
      const delta = choice?.delta;
      if (delta) {
        sink.reasoning(delta.reasoning_content ?? delta.reasoning);
        sink.text(delta.content);
        if (typeof delta.refusal === 'string' && delta.refusal) {
          refused = true;
          sink.text(delta.refusal);
        }
        if (Array.isArray(delta.tool_calls)) for (const piece of delta.tool_calls) toolCallDelta(piece, sink, ended);
      }
      if (typeof choice?.finish_reason === 'string') {
        if (choice.finish_reason === 'length' || choice.finish_reason === 'content_filter') sink.toolCallsDiscard(`the answer ended with ${choice.finish_reason}`);
        else sink.toolCallsEnd();
        sink.finish(refused ? 'content-filter' : finishReason(choice.finish_reason), choice.finish_reason);
      }
      const usage = chunk.usage as Record<string, any> | undefined;
      if (usage && typeof usage === 'object') {
        sink.usage({
          inputTokens: usage.prompt_tokens,
          outputTokens: usage.completion_tokens,
          reasoningTokens: usage.completion_tokens_details?.reasoning_tokens,
        });
      }
    },
  };
}

/**
 * One entry of `delta.tool_calls`. Chat Completions has no end signal per call, so a call is
 * complete when its arguments form a whole JSON object (a closed object cannot be extended, so
 * nothing valid is lost), when a later call starts, or at the finish reason. A new id at the index
 * of an unfinished call continues it (LM Studio repeats ids); servers that send every parallel
 * call at index 0 send each one whole, so it is already complete when the next id arrives.
 */
function toolCallDelta(piece: any, sink: PartSink, ended: Set<number>): void {
  const index = typeof piece?.index === 'number' ? piece.index : 0;
  const name = piece?.function?.name;
  const args = piece?.function?.arguments;
  if (ended.has(index)) {
    if (!piece?.id && !name) return; // trailing whitespace after a complete call
    ended.delete(index);
  }
  if (sink.tools.size > (sink.tools.has(index) ? 1 : 0)) for (const open of sink.tools.keys()) if (open !== index) end(open as number);
  if (piece?.id || name) sink.toolCallStart(index, piece?.id, name);
  sink.toolCallDelta(index, args);
  if (sink.tools.looksComplete(index)) end(index);

  function end(key: number) {
    sink.toolCallEnd(key);
    ended.add(key);
  }
}

function finishReason(raw: string): FinishReason {
  switch (raw) {
    case 'stop': return 'stop';
    case 'tool_calls': case 'function_call': return 'tool-calls';
    case 'length': return 'length';
    case 'content_filter': return 'content-filter';
    default: return 'other';
  }
}
