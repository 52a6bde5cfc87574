import type { ChatMessage, ToolCall, ToolDefinition } from '../../src/core/chat';
import type { PlannedCall } from './toolWire';

/** The text a scripted model writes before its calls: code with a tab, a fence, CJK, an emoji. */
export const TOOL_TEXT = "I'll check `src/main.ts` first —\n\n```ts\n\tconst port = 8080; // 完成\n```\n\nthen search the open TODOs. ✓\n";

export const READ: PlannedCall = { name: 'read_file', json: '{"path":"src/main.ts"}' };
export const SEARCH: PlannedCall = { name: 'search', json: '{"query":"TODO — 完成","paths":["src","test"],"limit":5}' };

export const TOOLS: ToolDefinition[] = [
  {
    name: 'read_file',
    description: 'Read a file of the workspace.',
    parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
  },
  {
    name: 'search',
    description: 'Search the workspace for a text.',
    parameters: { type: 'object', properties: { query: { type: 'string' }, paths: { type: 'array', items: { type: 'string' } }, limit: { type: 'integer' } }, required: ['query'] },
  },
];

/** An id Anthropic refuses (`.` and `:`) and OpenAI finds too long (over 40): it must be mapped, stably. */
export const ODD_ID = `functions.search:1_${'7'.repeat(30)}`;
export const CLAUDE_ID = 'toolu_01FdPq9zXw2LmN4bV7cR8tYk';

/** Calls made earlier in the conversation, on some other protocol. */
export const HISTORY_CALLS: ToolCall[] = [
  { id: CLAUDE_ID, name: 'read_file', arguments: { path: 'tsconfig.json' } },
  { id: ODD_ID, name: 'search', arguments: { query: 'TODO — 完成', paths: ['src'], limit: 2 } },
];
export const READ_RESULT = '{\n\t"compilerOptions": { "strict": true }\n}\n';
export const SEARCH_RESULT = '["src/a.ts:3: // TODO — 完成 🚧"]';

/** A conversation with tool history: both results are given in the reverse order of the calls. */
export const HISTORY: ChatMessage[] = [
  { role: 'user', content: 'Why does the build fail?' },
  { role: 'assistant', content: 'Let me look at the config and the TODOs.', toolCalls: HISTORY_CALLS },
  { role: 'tool', toolCallId: ODD_ID, name: 'search', content: SEARCH_RESULT },
  { role: 'tool', toolCallId: CLAUDE_ID, name: 'read_file', content: READ_RESULT, isError: false },
  { role: 'user', content: 'Fix the first TODO.' },
];

/** The planned calls as the router reports them: `id` only where the protocol sends one. */
export function asCalls(calls: PlannedCall[]): { id?: string; name: string; arguments: unknown }[] {
  return calls.map((call) => ({ ...(call.id ? { id: call.id } : {}), name: call.name, arguments: JSON.parse(call.json) }));
}
