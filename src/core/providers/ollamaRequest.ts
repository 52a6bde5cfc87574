import type { ChatRequest } from '../chat';
import { historyTurns } from './toolHistory';

/**
 * The conversation as Ollama messages: assistant `tool_calls` with the arguments as an object,
 * and one `role: "tool"` message per result with its `tool_name`, in the order of the calls.
 */
export function ollamaMessages(request: ChatRequest): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = request.system ? [{ role: 'system', content: request.system }] : [];
  for (const turn of historyTurns(request.messages)) {
    if (turn.role === 'user') {
      out.push({ role: 'user', content: turn.content });
    } else if (turn.role === 'assistant') {
      out.push({
        role: 'assistant',
        content: turn.content,
        ...(turn.toolCalls.length ? { tool_calls: turn.toolCalls.map((call) => ({ function: { name: call.name, arguments: call.arguments } })) } : {}),
      });
    } else {
      for (const result of turn.results) out.push({ role: 'tool', content: result.content, tool_name: result.name });
    }
  }
  return out;
}

/**
 * `tools`, when the request offers them. Ollama has no tool choice: `none` sends no tools, and
 * `required` or a named tool cannot be enforced (the tools are sent as for `auto`).
 */
export function ollamaTools(request: ChatRequest): Record<string, unknown> {
  if (!request.tools?.length || request.toolChoice === 'none') return {};
  return {
    tools: request.tools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, ...(tool.description ? { description: tool.description } : {}), parameters: tool.parameters },
    })),
  };
}
