import * as vscode from 'vscode';
import type { LmMessage, LmPart, LmRequestOptions } from '../../core/lm/messages';

/** The proposed System role (3), which the built-in chat sends to contributed models. */
const SYSTEM_ROLE = 3;

/**
 * Sorts the editor's message parts into Baton's {@link LmPart}s. Text, tool calls and tool
 * results are the stable API's classes. Data parts (images, Copilot's `cache_control` hints) and
 * thinking parts are proposed API, so they are recognised by shape; cache hints are left out
 * silently, the others are named for the log.
 */
export function toLmMessages(messages: readonly vscode.LanguageModelChatRequestMessage[]): LmMessage[] {
  return messages.map((message) => ({
    role: message.role === vscode.LanguageModelChatMessageRole.Assistant ? 'assistant' : (message.role as number) === SYSTEM_ROLE ? 'system' : 'user',
    parts: message.content.map(toLmPart).filter((part): part is LmPart => part !== undefined),
  }));
}

function toLmPart(part: unknown): LmPart | undefined {
  if (part instanceof vscode.LanguageModelTextPart) return { type: 'text', text: part.value };
  if (part instanceof vscode.LanguageModelToolCallPart) return { type: 'tool-call', callId: part.callId, name: part.name, input: part.input };
  if (part instanceof vscode.LanguageModelToolResultPart) return { type: 'tool-result', callId: part.callId, content: toolResultText(part.content) };
  const data = asDataPart(part);
  if (data) {
    if (data.mimeType === 'cache_control') return undefined;
    return { type: 'other', what: data.mimeType.startsWith('image/') ? 'image' : `${data.mimeType} data` };
  }
  if (typeof part === 'object' && part !== null && typeof (part as { value?: unknown }).value !== 'undefined') return { type: 'other', what: 'thinking' };
  return { type: 'other', what: 'unknown' };
}

/**
 * A tool result as the text the model reads: text parts as they are, text-like data decoded, and
 * prompt-tsx parts as their JSON (Baton renders no prompt-tsx). Nothing is added between parts.
 */
function toolResultText(content: readonly unknown[]): string {
  return content.map((item) => {
    if (item instanceof vscode.LanguageModelTextPart) return item.value;
    if (item instanceof vscode.LanguageModelPromptTsxPart) return JSON.stringify(item.value);
    const data = asDataPart(item);
    if (data && /^(text\/|application\/(json|xml)|.*\+json$)/.test(data.mimeType)) return new TextDecoder().decode(data.data);
    if (data) return `[${data.mimeType} data left out]`;
    return typeof item === 'string' ? item : JSON.stringify(item);
  }).join('');
}

function asDataPart(part: unknown): { mimeType: string; data: Uint8Array } | undefined {
  if (typeof part !== 'object' || part === null) return undefined;
  const { mimeType, data } = part as { mimeType?: unknown; data?: unknown };
  return typeof mimeType === 'string' && data instanceof Uint8Array ? { mimeType, data } : undefined;
}

/** The editor's request options in Baton's terms. */
export function toLmOptions(options: vscode.ProvideLanguageModelChatResponseOptions): LmRequestOptions {
  return {
    tools: options.tools?.map((tool) => ({ name: tool.name, description: tool.description, inputSchema: tool.inputSchema })),
    toolMode: options.toolMode === vscode.LanguageModelChatToolMode.Required ? 'required' : 'auto',
    modelOptions: options.modelOptions,
  };
}
