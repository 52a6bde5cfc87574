import type { ChatRequest, ToolChoice } from '../chat';
import { historyTurns } from './toolHistory';

/**
 * The conversation as Responses API input items: messages, then each assistant tool call as a
 * `function_call` item and each result as a `function_call_output`, paired by `call_id`. Items
 * carry no `id`: with `store: false` there is no stored item for an id to refer to.
 */
export function responsesInput(request: ChatRequest): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const turn of historyTurns(request.messages)) {
    if (turn.role === 'user') {
      out.push({ role: 'user', content: turn.content });
    } else if (turn.role === 'assistant') {
      if (turn.content || !turn.toolCalls.length) out.push({ role: 'assistant', content: turn.content });
      for (const call of turn.toolCalls) {
        out.push({ type: 'function_call', call_id: call.id, name: call.name, arguments: JSON.stringify(call.arguments) });
      }
    } else {
      for (const result of turn.results) out.push({ type: 'function_call_output', call_id: result.toolCallId, output: result.content });
    }
  }
  return out;
}

/**
 * `tools` and `tool_choice`, when the request offers tools. `strict: false` is explicit: the
 * Responses API otherwise rewrites a schema into strict mode, which makes every optional
 * property required.
 */
export function responsesTools(request: ChatRequest): Record<string, unknown> {
  if (!request.tools?.length) return {};
  return {
    tools: request.tools.map((tool) => ({
      type: 'function',
      name: tool.name,
      ...(tool.description ? { description: tool.description } : {}),
      parameters: tool.parameters,
      strict: false,
    })),
    ...(request.toolChoice ? { tool_choice: choice(request.toolChoice) } : {}),
  };
}

function choice(toolChoice: ToolChoice): unknown {
  return typeof toolChoice === 'string' ? toolChoice : { type: 'function', name: toolChoice.name };
}
