import type { ProviderName } from '../../src/core/settings/types';

/**
 * Scripted streams in each protocol's real wire format, built from a list of text deltas, plus the
 * protocol's own keep-alive, in-band error and a malformed frame for fault injection.
 */
export interface Wire {
  contentType: string;
  /** The path the provider posts to, relative to the server root (with the test's baseUrl). */
  path: string;
  head(): string[];
  delta(text: string): string;
  /** Frames that complete the stream: finish reason, usage and the terminator. */
  tail(): string[];
  /** A keep-alive the client must skip without resetting its idle timer. */
  keepAlive(): string;
  /** An error event inside a 200 stream. */
  inbandError(): string;
  /** A frame that is not valid JSON. */
  malformed(): string;
}

const sse = (data: unknown, event?: string) => `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

const openai: Wire = {
  contentType: 'text/event-stream',
  path: '/chat/completions',
  head: () => [sse({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }], usage: null })],
  delta: (text) => sse({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: text }, finish_reason: null }], usage: null }),
  tail: () => [
    sse({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: null }),
    sse({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 } }),
    sse('[DONE]'),
  ],
  keepAlive: () => ': keep-alive\n\n',
  inbandError: () => sse({ error: { message: 'The server had an error while processing your request.', type: 'server_error', code: null } }),
  malformed: () => 'data: {"id":"chatcmpl-1","choices":[{"delta":{"content":\n\n',
};

let sequence = 0;
const responses: Wire = {
  contentType: 'text/event-stream',
  path: '/responses',
  head: () => [
    sse({ type: 'response.created', sequence_number: sequence++, response: { id: 'resp_1', status: 'in_progress' } }, 'response.created'),
    sse({ type: 'response.output_item.added', sequence_number: sequence++, output_index: 0, item: { id: 'msg_1', type: 'message', role: 'assistant', content: [] } }, 'response.output_item.added'),
  ],
  delta: (text) => sse({ type: 'response.output_text.delta', sequence_number: sequence++, item_id: 'msg_1', output_index: 0, content_index: 0, delta: text }, 'response.output_text.delta'),
  tail: () => [
    sse({ type: 'response.output_text.done', sequence_number: sequence++, item_id: 'msg_1', output_index: 0, content_index: 0, text: '' }, 'response.output_text.done'),
    sse({ type: 'response.completed', sequence_number: sequence++, response: { id: 'resp_1', status: 'completed', usage: { input_tokens: 11, output_tokens: 7, total_tokens: 18 } } }, 'response.completed'),
  ],
  keepAlive: () => ': keep-alive\n\n',
  inbandError: () => sse({ type: 'response.failed', sequence_number: sequence++, response: { id: 'resp_1', status: 'failed', error: { code: 'server_error', message: 'The model failed to generate a response.' } } }, 'response.failed'),
  malformed: () => 'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":\n\n',
};

const anthropic: Wire = {
  contentType: 'text/event-stream',
  path: '/messages',
  head: () => [
    sse({ type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', content: [], model: 'claude', stop_reason: null, usage: { input_tokens: 11, output_tokens: 1 } } }, 'message_start'),
    sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start'),
    'event: ping\ndata: {"type": "ping"}\n\n',
  ],
  delta: (text) => sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }, 'content_block_delta'),
  tail: () => [
    sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
    sse({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 7 } }, 'message_delta'),
    sse({ type: 'message_stop' }, 'message_stop'),
  ],
  keepAlive: () => 'event: ping\ndata: {"type": "ping"}\n\n',
  inbandError: () => sse({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, 'error'),
  malformed: () => 'event: content_block_delta\ndata: {"type":"content_block_delta","delta":{"type":"text_delta","text":\n\n',
};

const geminiChunk = (text: string, finish?: string) => `data: ${JSON.stringify({
  candidates: [{ content: { parts: text ? [{ text }] : [], role: 'model' }, ...(finish ? { finishReason: finish } : {}), index: 0 }],
  usageMetadata: { promptTokenCount: 11, candidatesTokenCount: 7, totalTokenCount: 18 },
  modelVersion: 'gemini-2.5-flash',
})}\r\n\r\n`;

const gemini: Wire = {
  contentType: 'text/event-stream',
  path: '/models/',
  head: () => [],
  delta: (text) => geminiChunk(text),
  tail: () => [geminiChunk('', 'STOP')],
  keepAlive: () => ': keep-alive\r\n\r\n',
  inbandError: () => `data: ${JSON.stringify({ error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } })}\r\n\r\n`,
  malformed: () => 'data: {"candidates": [{"content": {"parts": [{"text": \r\n\r\n',
};

const ollama: Wire = {
  contentType: 'application/x-ndjson',
  path: '/api/chat',
  head: () => [],
  delta: (text) => `${JSON.stringify({ model: 'm', created_at: '2026-11-24T00:00:00Z', message: { role: 'assistant', content: text }, done: false })}\n`,
  tail: () => [`${JSON.stringify({ model: 'm', created_at: '2026-11-24T00:00:00Z', message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop', prompt_eval_count: 11, eval_count: 7 })}\n`],
  keepAlive: () => '\n',
  inbandError: () => `${JSON.stringify({ error: 'an error was encountered while running the model: unexpected EOF' })}\n`,
  malformed: () => '{"model":"m","message":{"role":"assistant","content":\n',
};

export const WIRES: Record<ProviderName, Wire> = { openai, 'openai-responses': responses, anthropic, gemini, ollama };
export const PROTOCOLS = Object.keys(WIRES) as ProviderName[];

/** A complete, well-formed stream of the given deltas. */
export function answer(protocol: ProviderName, deltas: string[]): string[] {
  const wire = WIRES[protocol];
  return [...wire.head(), ...deltas.map((d) => wire.delta(d)), ...wire.tail()];
}

/** Splits text into deltas of `size` characters (by code point, so no delta splits a character). */
export function deltas(text: string, size = 5): string[] {
  const chars = [...text];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}
