import type { ChatRequest, ToolChoice } from '../chat';
import { OPENAI_TOOL_ID, wireToolId } from '../toolIds';
import { historyTurns } from './toolHistory';

/**
 * The conversation as Chat Completions messages: assistant `tool_calls` with the arguments as
 * JSON text, and one `role: "tool"` message per result, paired by `tool_call_id`. OpenAI-compatible
 * servers (vLLM, LM Studio, llama.cpp, OpenRouter, LiteLLM) read the same shape.
 */
export function openaiChatMessages(request: ChatRequest): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = request.system ? [{ role: 'system', content: request.system }] : [];
  for (const turn of historyTurns(request.messages)) {
    if (turn.role === 'user') {
      out.push({ role: 'user', content: turn.content });
    } else if (turn.role === 'assistant') {
      if (!turn.toolCalls.length) {
        out.push({ role: 'assistant', content: turn.content });
        continue;
      }
      out.push({
        role: 'assistant',
        content: turn.content || null,
        tool_calls: turn.toolCalls.map((call) => ({
          id: wireToolId(call.id, OPENAI_TOOL_ID),
          type: 'function',
          function: { name: call.name, arguments: JSON.stringify(call.arguments) },
        })),
      });
    } else {
      for (const result of turn.results) out.push({ role: 'tool', tool_call_id: wireToolId(result.toolCallId, OPENAI_TOOL_ID), content: result.content });
    }
  }
  return out;
}

/** `tools` and `tool_choice`, when the request offers tools. */
export function openaiChatTools(request: ChatRequest): Record<string, unknown> {
  if (!request.tools?.length) return {};
  return {
    tools: request.tools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, ...(tool.description ? { description: tool.description } : {}), parameters: tool.parameters },
    })),
    ...(request.toolChoice ? { tool_choice: choice(request.toolChoice) } : {}),
  };
}

function choice(toolChoice: ToolChoice): unknown {
  return typeof toolChoice === 'string' ? toolChoice : { type: 'function', function: { name: toolChoice.name } };
}
