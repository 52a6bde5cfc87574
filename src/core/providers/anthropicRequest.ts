import type { ChatRequest, ToolChoice } from '../chat';
import { ANTHROPIC_TOOL_ID, wireToolId } from '../toolIds';
import { historyTurns } from './toolHistory';

type Message = { role: 'user' | 'assistant'; content: string | Record<string, unknown>[] };

/**
 * The conversation as Anthropic messages. Tool calls become `tool_use` blocks; their results
 * become `tool_result` blocks at the start of the very next user message, as Anthropic requires,
 * with any user text that follows them merged in after the results.
 */
export function anthropicMessages(request: ChatRequest): Message[] {
  const out: Message[] = [];
  let resultsMessage: Record<string, unknown>[] | undefined;
  for (const turn of historyTurns(request.messages)) {
    if (turn.role === 'tool') {
      resultsMessage = turn.results.map((result) => ({
        type: 'tool_result',
        tool_use_id: wireToolId(result.toolCallId, ANTHROPIC_TOOL_ID),
        content: result.content,
        ...(result.isError ? { is_error: true } : {}),
      }));
      out.push({ role: 'user', content: resultsMessage });
      continue;
    }
    if (turn.role === 'user') {
      if (resultsMessage) resultsMessage.push({ type: 'text', text: turn.content });
      else out.push({ role: 'user', content: turn.content });
    } else if (!turn.toolCalls.length) {
      out.push({ role: 'assistant', content: turn.content });
    } else {
      out.push({
        role: 'assistant',
        content: [
          // Anthropic refuses empty or whitespace-only text blocks.
          ...(turn.content.trim() ? [{ type: 'text', text: turn.content }] : []),
          ...turn.toolCalls.map((call) => ({ type: 'tool_use', id: wireToolId(call.id, ANTHROPIC_TOOL_ID), name: call.name, input: call.arguments })),
        ],
      });
    }
    resultsMessage = undefined;
  }
  return out;
}

/** `tools` (with `input_schema`) and `tool_choice`, when the request offers tools. */
export function anthropicTools(request: ChatRequest): Record<string, unknown> {
  if (!request.tools?.length) return {};
  return {
    tools: request.tools.map((tool) => ({
      name: tool.name,
      ...(tool.description ? { description: tool.description } : {}),
      input_schema: tool.parameters,
    })),
    ...(request.toolChoice ? { tool_choice: choice(request.toolChoice) } : {}),
  };
}

function choice(toolChoice: ToolChoice): unknown {
  switch (toolChoice) {
    case 'auto': return { type: 'auto' };
    case 'none': return { type: 'none' };
    case 'required': return { type: 'any' };
    default: return { type: 'tool', name: toolChoice.name };
  }
}
