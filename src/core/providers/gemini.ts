import { BatonError } from '../errors';
import type { FinishReason } from '../streamPart';
import { geminiContents, geminiTools } from './geminiRequest';
import { ErrorContext, errorFromPayload } from './httpErrors';
import { parseFrame } from './partSink';
import { Provider, ProviderCall, sampling } from './provider';
import { streamWire, WireRequest } from './transport';
import { joinUrl } from './url';

/** Gemini: `POST {baseUrl}/models/{model}:streamGenerateContent?alt=sse`; a finishReason ends it. */
export const gemini: Provider = {
  name: 'gemini',
  prefillByDefault: false,
  stream: (call, signal) => streamWire(call, wireRequest(call), signal),
};

function wireRequest(call: ProviderCall): WireRequest {
  const { model, request, apiKey } = call;
  const name = model.model.replace(/^models\//, '');
  const url = joinUrl(model.baseUrl, `models/${encodeURIComponent(name)}:streamGenerateContent`, { alt: 'sse' });
  const ctx: ErrorContext = { provider: 'gemini', model: model.id, url, apiKey };
  const { maxTokens, temperature } = sampling(call);
  const generationConfig = {
    ...(maxTokens ? { maxOutputTokens: maxTokens } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
  };
  return {
    provider: 'gemini',
    url,
    headers: apiKey ? { 'x-goog-api-key': apiKey } : {},
    body: {
      contents: geminiContents(request),
      ...geminiTools(request),
      ...(request.system ? { systemInstruction: { parts: [{ text: request.system }] } } : {}),
      ...(Object.keys(generationConfig).length ? { generationConfig } : {}),
    },
    format: 'sse',
    completionSignal: 'a candidate with finishReason',
    onFrame(frame, sink) {
      const chunk = parseFrame(frame.data, 'gemini', sink);
      if (!chunk) return;
      if (chunk.error) return sink.fail(errorFromPayload(chunk, ctx));
      const blocked = (chunk.promptFeedback as Record<string, any> | undefined)?.blockReason;
      if (typeof blocked === 'string') {
        return sink.fail(new BatonError('content-policy', `gemini blocked the prompt: ${blocked}`, { provider: 'gemini', model: model.id, code: blocked }));
      }
      const candidate = Array.isArray(chunk.candidates) ? (chunk.candidates[0] as Record<string, any> | undefined) : undefined;
      const parts = candidate?.content?.parts;
      if (Array.isArray(parts)) {
        for (const part of parts) {
          if (part?.functionCall) sink.toolCallWhole(part.functionCall.id, part.functionCall.name, part.functionCall.args);
          else if (part?.thought === true) sink.reasoning(part.text);
          else sink.text(part?.text);
        }
      }
      if (candidate?.finishReason === 'MALFORMED_FUNCTION_CALL') {
        return sink.fail(new BatonError('protocol', 'gemini produced a malformed function call', { provider: 'gemini', model: model.id, code: candidate.finishReason }));
      }
      if (typeof candidate?.finishReason === 'string') {
        const usage = chunk.usageMetadata as Record<string, any> | undefined;
        if (usage) {
          const thoughts = usage.thoughtsTokenCount;
          sink.usage({
            inputTokens: usage.promptTokenCount,
            outputTokens: (usage.candidatesTokenCount ?? 0) + (thoughts ?? 0),
            reasoningTokens: thoughts,
          });
        }
        sink.finish(finishReason(candidate.finishReason), candidate.finishReason);
        sink.terminal = true;
      }
    },
  };
}

function finishReason(raw: string): FinishReason {
  switch (raw) {
    case 'STOP': return 'stop';
    case 'MAX_TOKENS': return 'length';
    case 'SAFETY': case 'RECITATION': case 'BLOCKLIST': case 'PROHIBITED_CONTENT': case 'SPII': case 'IMAGE_SAFETY': return 'content-filter';
    default: return 'other';
  }
}
