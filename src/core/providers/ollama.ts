import type { FinishReason } from '../streamPart';
import { ErrorContext, errorFromPayload } from './httpErrors';
import { ollamaMessages, ollamaTools } from './ollamaRequest';
import { parseFrame } from './partSink';
import { Provider, ProviderCall, sampling } from './provider';
import { streamWire, WireRequest } from './transport';
import { joinUrl } from './url';

/** Ollama's native API: `POST {baseUrl}/api/chat`, NDJSON lines ending with `"done": true`. */
export const ollama: Provider = {
  name: 'ollama',
  prefillByDefault: true,
  headersWithFirstToken: true,
  stream: (call, signal) => streamWire(call, wireRequest(call), signal),
};

function wireRequest(call: ProviderCall): WireRequest {
  const { model, request, apiKey } = call;
  const url = joinUrl(model.baseUrl, 'api/chat');
  const ctx: ErrorContext = { provider: 'ollama', model: model.id, url, apiKey };
  const { maxTokens, temperature } = sampling(call);
  const options = {
    ...(maxTokens ? { num_predict: maxTokens } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
  };
  return {
    provider: 'ollama',
    url,
    headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
    body: {
      model: model.model,
      messages: ollamaMessages(request),
      ...ollamaTools(request),
      stream: true,
      ...(Object.keys(options).length ? { options } : {}),
    },
    format: 'ndjson',
    completionSignal: '"done": true',
    onFrame(frame, sink) {
      const line = parseFrame(frame.data, 'ollama', sink);
      if (!line) return;
      if (line.error !== undefined) return sink.fail(errorFromPayload(line, ctx));
      const message = line.message as Record<string, any> | undefined;
      sink.reasoning(message?.thinking);
      sink.text(message?.content);
      if (Array.isArray(message?.tool_calls)) {
        for (const call of message.tool_calls) sink.toolCallWhole(call?.id, call?.function?.name, call?.function?.arguments);
      }
      if (line.done === true) {
        sink.usage({ inputTokens: line.prompt_eval_count as number | undefined, outputTokens: line.eval_count as number | undefined });
        sink.finish(finishReason(line.done_reason), typeof line.done_reason === 'string' ? line.done_reason : undefined);
        sink.terminal = true;
      }
    },
  };
}

function finishReason(raw: unknown): FinishReason {
  if (raw === undefined || raw === 'stop') return 'stop';
  return raw === 'length' ? 'length' : 'other';
}
