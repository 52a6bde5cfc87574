import type { ChatMessage, ToolCall, ToolDefinition } from './chat';

/** One thing wrong with a conversation or a tool list: where (`messages[2].toolCallId`) and what to do. */
export interface ConversationProblem {
  path: string;
  message: string;
}

/** Letters, digits, `_` and `-`, at most 64: what OpenAI, Anthropic and Gemini all accept. */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * Reads a tool list in Baton's neutral format: `[{ "name", "description", "parameters" }]`, where
 * `parameters` is a JSON Schema for the arguments object (an empty object schema when left out).
 */
export function readTools(value: unknown): { tools: ToolDefinition[]; problems: ConversationProblem[] } {
  const problems: ConversationProblem[] = [];
  const tools: ToolDefinition[] = [];
  if (!Array.isArray(value)) {
    problems.push({ path: 'tools', message: 'expected a JSON array of tools such as [{ "name": "read_file", "description": "…", "parameters": { "type": "object", "properties": { "path": { "type": "string" } } } }]' });
    return { tools, problems };
  }
  const seen = new Set<string>();
  value.forEach((entry, index) => {
    const at = `tools[${index}]`;
    const before = problems.length;
    if (!isRecord(entry)) {
      problems.push({ path: at, message: 'expected an object with "name", "description" and "parameters"' });
      return;
    }
    for (const key of Object.keys(entry)) {
      if (!['name', 'description', 'parameters'].includes(key)) problems.push({ path: `${at}.${key}`, message: 'unknown field; a tool has "name", "description" and "parameters"' });
    }
    const { name, description, parameters } = entry;
    if (typeof name !== 'string' || !TOOL_NAME.test(name)) {
      problems.push({ path: `${at}.name`, message: `${name === undefined ? 'missing' : JSON.stringify(name)}: expected 1 to 64 letters, digits, "_" or "-", e.g. "read_file"` });
    } else if (seen.has(name)) {
      problems.push({ path: `${at}.name`, message: `duplicate tool "${name}"; every tool needs its own name` });
    } else {
      seen.add(name);
    }
    if (description !== undefined && typeof description !== 'string') problems.push({ path: `${at}.description`, message: 'expected a string saying what the tool does' });
    if (parameters !== undefined && (!isRecord(parameters) || (parameters.type !== undefined && parameters.type !== 'object'))) {
      problems.push({ path: `${at}.parameters`, message: 'expected a JSON Schema for the arguments object, e.g. { "type": "object", "properties": { "path": { "type": "string" } }, "required": ["path"] }' });
    }
    if (problems.length > before) return;
    tools.push({
      name: name as string,
      ...(description ? { description: description as string } : {}),
      parameters: (parameters as Record<string, unknown> | undefined) ?? { type: 'object', properties: {} },
    });
  });
  return { tools, problems };
}

/**
 * Reads a conversation in Baton's neutral format and checks what every protocol requires of it:
 * each tool result answers a call of the assistant message before it (its `name` may be left
 * out and is then taken from the call), each call is answered before the conversation goes on,
 * and call ids are unique.
 */
export function readMessages(value: unknown): { messages: ChatMessage[]; problems: ConversationProblem[] } {
  const problems: ConversationProblem[] = [];
  const messages: ChatMessage[] = [];
  if (!Array.isArray(value) || value.length === 0) {
    problems.push({ path: 'messages', message: 'expected a non-empty JSON array of messages such as [{ "role": "user", "content": "…" }]' });
    return { messages, problems };
  }
  const ids = new Set<string>();
  /** Calls of the last assistant message still waiting for their result, by id. */
  let waiting = new Map<string, { call: ToolCall; at: string }>();
  const report = (path: string, message: string): void => {
    problems.push({ path, message });
  };
  const unanswered = (before: string) => {
    for (const { call, at } of waiting.values()) {
      report(at, `the call to "${call.name}" (id "${call.id}") has no result before ${before}; add { "role": "tool", "toolCallId": "${call.id}", "content": "…" } right after the assistant message`);
    }
    waiting = new Map();
  };

  value.forEach((entry, index) => {
    const at = `messages[${index}]`;
    if (!isRecord(entry)) return report(at, 'expected an object with "role" and "content"');
    const { role } = entry;
    const allowed = role === 'user' ? ['role', 'content'] : role === 'assistant' ? ['role', 'content', 'toolCalls'] : ['role', 'toolCallId', 'name', 'content', 'isError'];
    if (role !== 'user' && role !== 'assistant' && role !== 'tool') {
      return report(`${at}.role`, `${role === undefined ? 'missing' : JSON.stringify(role)}: expected "user", "assistant" or "tool"`);
    }
    for (const key of Object.keys(entry)) {
      if (!allowed.includes(key)) report(`${at}.${key}`, `unknown field for a ${role} message; it has ${allowed.map((k) => `"${k}"`).join(', ')}`);
    }
    const content = entry.content;
    if (role === 'tool') return readResult(entry, at);
    unanswered(`${at}`);
    if (role === 'user') {
      if (typeof content !== 'string') return report(`${at}.content`, 'expected the message text (a string)');
      messages.push({ role: 'user', content });
      return;
    }
    if (content !== undefined && typeof content !== 'string') return report(`${at}.content`, 'expected the reply text (a string; "" when the reply is only tool calls)');
    const calls = readCalls(entry.toolCalls, at);
    messages.push({ role: 'assistant', content: (content as string | undefined) ?? '', ...(calls.length ? { toolCalls: calls } : {}) });
  });
  unanswered('the end of the conversation');
  return { messages, problems };

  function readCalls(raw: unknown, at: string): ToolCall[] {
    if (raw === undefined) return [];
    if (!Array.isArray(raw)) {
      report(`${at}.toolCalls`, 'expected an array of calls such as [{ "id": "call_1", "name": "read_file", "arguments": { "path": "README.md" } }]');
      return [];
    }
    const calls: ToolCall[] = [];
    raw.forEach((call, index) => {
      const here = `${at}.toolCalls[${index}]`;
      if (!isRecord(call)) return report(here, 'expected an object with "id", "name" and "arguments"');
      const { id, name, arguments: args } = call;
      const before = problems.length;
      if (typeof id !== 'string' || !id) report(`${here}.id`, 'expected the call\'s id (a non-empty string); its result names it in "toolCallId"');
      else if (ids.has(id)) report(`${here}.id`, `duplicate call id "${id}"; every call in the conversation needs its own id`);
      else ids.add(id);
      if (typeof name !== 'string' || !TOOL_NAME.test(name)) report(`${here}.name`, 'expected the tool name: 1 to 64 letters, digits, "_" or "-"');
      if (!isRecord(args)) report(`${here}.arguments`, 'expected the arguments as a JSON object (not a string of JSON)');
      if (problems.length > before) return;
      const parsed: ToolCall = { id: id as string, name: name as string, arguments: args as Record<string, unknown> };
      waiting.set(parsed.id, { call: parsed, at: here });
      calls.push(parsed);
    });
    return calls;
  }

  function readResult(entry: Record<string, unknown>, at: string): void {
    const { toolCallId, name, content, isError } = entry;
    const before = problems.length;
    if (typeof toolCallId !== 'string' || !toolCallId) report(`${at}.toolCallId`, 'expected the id of the call this result answers');
    if (typeof content !== 'string') report(`${at}.content`, 'expected the result as text (a string; JSON results go in as JSON text)');
    if (isError !== undefined && typeof isError !== 'boolean') report(`${at}.isError`, 'expected true or false');
    if (problems.length > before) return;
    const waited = waiting.get(toolCallId as string);
    if (!waited) {
      const known = [...waiting.keys()];
      report(`${at}.toolCallId`, `"${toolCallId}" does not answer a call of the assistant message before it${known.length ? `; waiting for ${known.map((k) => `"${k}"`).join(', ')}` : ' (a result must follow the assistant message that made the call)'}`);
      return;
    }
    if (name !== undefined && name !== waited.call.name) {
      report(`${at}.name`, `${JSON.stringify(name)} is not the name of call "${toolCallId}"; expected "${waited.call.name}" (or leave "name" out)`);
      return;
    }
    waiting.delete(toolCallId as string);
    messages.push({ role: 'tool', toolCallId: toolCallId as string, name: waited.call.name, content: content as string, ...(isError ? { isError: true } : {}) });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
