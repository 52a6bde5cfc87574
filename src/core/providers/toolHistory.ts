import type { ChatMessage, ChatRequest, ToolCall, ToolResultMessage } from '../chat';

/**
 * A conversation as the protocol modules translate it. Consecutive tool results are one turn,
 * sorted into the order of the calls they answer: Gemini and Ollama pair a result with its call
 * by position and name, and the others do not mind.
 */
export type HistoryTurn =
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls: ToolCall[] }
  | { role: 'tool'; results: ToolResultMessage[] };

export function historyTurns(messages: ChatMessage[]): HistoryTurn[] {
  const turns: HistoryTurn[] = [];
  let calls: ToolCall[] = [];
  for (const message of messages) {
    if (message.role === 'tool') {
      const last = turns[turns.length - 1];
      if (last?.role === 'tool') last.results.push(message);
      else turns.push({ role: 'tool', results: [message] });
      continue;
    }
    sortResults(turns, calls);
    if (message.role === 'assistant') {
      calls = message.toolCalls ?? [];
      turns.push({ role: 'assistant', content: message.content, toolCalls: calls });
    } else {
      turns.push({ role: 'user', content: message.content });
    }
  }
  sortResults(turns, calls);
  return turns;
}

function sortResults(turns: HistoryTurn[], calls: ToolCall[]): void {
  const last = turns[turns.length - 1];
  if (last?.role !== 'tool') return;
  const position = (result: ToolResultMessage) => {
    const index = calls.findIndex((call) => call.id === result.toolCallId);
    return index === -1 ? calls.length : index;
  };
  last.results = last.results.map((result, order) => ({ result, order })).sort((a, b) => position(a.result) - position(b.result) || a.order - b.order).map((x) => x.result);
}

/** Whether tools are offered to the model, or the conversation already holds tool calls or results. */
export function usesTools(request: ChatRequest): boolean {
  return (request.tools?.length ?? 0) > 0 || request.messages.some((m) => m.role === 'tool' || (m.role === 'assistant' && (m.toolCalls?.length ?? 0) > 0));
}
