import type { ChatMessage, ChatRequest, ToolCall, ToolDefinition } from '../chat';
import { BatonError } from '../errors';

/**
 * One piece of a message as an editor's language-model API hands it to Baton, already reduced to
 * what Baton can carry. The editor layer sorts its part classes into these; everything after that
 * (pairing tool results with their calls, the system prompt, tools) is decided here.
 */
export type LmPart =
  | { type: 'text'; text: string }
  /** A tool call the model made earlier in the conversation. */
  | { type: 'tool-call'; callId: string; name: string; input: unknown }
  /** The result of an earlier tool call, as text. */
  | { type: 'tool-result'; callId: string; content: string }
  /** Something Baton does not send (an image, a thinking block, a cache hint): `what` names it for the log. */
  | { type: 'other'; what: string };

/** One message of the conversation. `system` is the proposed System role, which some callers send. */
export interface LmMessage {
  role: 'user' | 'assistant' | 'system';
  parts: LmPart[];
}

/** A tool offered to the model, as the editor describes it. */
export interface LmTool {
  name: string;
  description?: string;
  inputSchema?: unknown;
}

export interface LmRequestOptions {
  tools?: readonly LmTool[];
  /** `required`: the model must call one of the tools. */
  toolMode?: 'auto' | 'required';
  /** The caller's model options; Baton reads `temperature` and `maxTokens` (or `max_tokens`) and ignores the rest. */
  modelOptions?: Readonly<Record<string, unknown>>;
}

/** A request for the router, plus what was left out and why (for the log). */
export interface LmConversion {
  request: ChatRequest;
  /** E.g. "1 image part left out: Baton sends text and tool calls only". One line per kind. */
  dropped: string[];
}

/** A parameter schema for a tool that declares none: an object with no fields. */
const NO_PARAMETERS: Record<string, unknown> = { type: 'object', properties: {} };

/**
 * Turns an editor conversation into Baton's neutral request.
 *
 * - System messages become the system prompt, joined by a blank line, in order.
 * - Text parts of one message are joined as they are: nothing is added between them.
 * - Tool calls stay on their assistant message. Tool results become `tool` messages placed right
 *   after that assistant turn, before any text of the same user message, and each is paired with
 *   its call's name (Gemini needs the name; every protocol needs the pairing).
 * - A message left with nothing to say is dropped, so no provider is sent an empty turn.
 *
 * Throws a `bad-request` {@link BatonError} for a tool result that answers no earlier call, or a
 * tool call whose input is not an object: the caller's conversation is broken, and guessing would
 * send the model a history that never happened.
 */
export function toChatRequest(messages: readonly LmMessage[], options: LmRequestOptions = {}): LmConversion {
  const system: string[] = [];
  const out: ChatMessage[] = [];
  const calls = new Map<string, string>();
  const dropped = new Map<string, number>();
  const drop = (what: string) => dropped.set(what, (dropped.get(what) ?? 0) + 1);

  messages.forEach((message, index) => {
    const texts: string[] = [];
    const toolCalls: ToolCall[] = [];
    const results: ChatMessage[] = [];
    for (const part of message.parts) {
      switch (part.type) {
        case 'text':
          texts.push(part.text);
          break;
        case 'other':
          drop(part.what);
          break;
        case 'tool-call':
          if (message.role !== 'assistant') throw badRequest(`message ${index + 1} (${message.role}) holds a tool call; tool calls belong to assistant messages`);
          toolCalls.push({ id: part.callId, name: part.name, arguments: toolInput(part, index) });
          calls.set(part.callId, part.name);
          break;
        case 'tool-result': {
          if (message.role !== 'user') throw badRequest(`message ${index + 1} (${message.role}) holds a tool result; tool results belong to user messages`);
          const name = calls.get(part.callId);
          if (name === undefined) throw badRequest(`message ${index + 1} holds a result for tool call "${part.callId}", but no earlier assistant message made that call; send the assistant's tool call part before its result`);
          results.push({ role: 'tool', toolCallId: part.callId, name, content: part.content });
          break;
        }
      }
    }
    const text = texts.join('');
    if (message.role === 'system') {
      if (text) system.push(text);
      return;
    }
    out.push(...results);
    if (message.role === 'assistant') {
      if (text || toolCalls.length) out.push(toolCalls.length ? { role: 'assistant', content: text, toolCalls } : { role: 'assistant', content: text });
    } else if (text) {
      out.push({ role: 'user', content: text });
    }
  });

  const request: ChatRequest = { messages: out };
  if (system.length) request.system = system.join('\n\n');
  const tools = (options.tools ?? []).map(toolDefinition);
  if (tools.length) {
    request.tools = tools;
    request.toolChoice = options.toolMode === 'required' ? 'required' : 'auto';
  }
  Object.assign(request, sampling(options.modelOptions));
  return { request, dropped: [...dropped].map(([what, n]) => `${n} ${what} part${n > 1 ? 's' : ''} left out: Baton sends text and tool calls only`) };
}

function toolDefinition(tool: LmTool): ToolDefinition {
  const schema = tool.inputSchema;
  const parameters = schema && typeof schema === 'object' && !Array.isArray(schema) ? (schema as Record<string, unknown>) : NO_PARAMETERS;
  return tool.description ? { name: tool.name, description: tool.description, parameters } : { name: tool.name, parameters };
}

function toolInput(part: Extract<LmPart, { type: 'tool-call' }>, index: number): Record<string, unknown> {
  const { input } = part;
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw badRequest(`message ${index + 1}: the input of tool call "${part.callId}" (${part.name}) is ${Array.isArray(input) ? 'an array' : typeof input}; tool inputs are JSON objects`);
  }
  return input as Record<string, unknown>;
}

/** Only well-formed values are taken: a caller's odd option must not become a provider's 400. */
function sampling(options: Readonly<Record<string, unknown>> | undefined): Pick<ChatRequest, 'temperature' | 'maxTokens'> {
  const out: Pick<ChatRequest, 'temperature' | 'maxTokens'> = {};
  const temperature = options?.temperature;
  if (typeof temperature === 'number' && temperature >= 0 && temperature <= 2) out.temperature = temperature;
  const maxTokens = options?.maxTokens ?? options?.max_tokens;
  if (typeof maxTokens === 'number' && Number.isInteger(maxTokens) && maxTokens > 0) out.maxTokens = maxTokens;
  return out;
}

function badRequest(message: string): BatonError {
  return new BatonError('bad-request', `the conversation cannot be sent: ${message}`, { code: 'invalid-conversation' });
}
