import type { ChatRequest } from '../chat';

/** Everything the model is told about one edit. Text uses "\n" line breaks. */
export interface EditPromptInput {
  instruction: string;
  /** The editor's language id, e.g. `typescript`. */
  languageId: string;
  /** The file's path as the person knows it (workspace-relative where possible). */
  fileName: string;
  /** The whole lines to rewrite. */
  code: string;
  /** 1-based first and last line of `code`, for the model's orientation. */
  firstLine: number;
  lastLine: number;
  /** Code just above and below the region, already trimmed to size. */
  before: string;
  after: string;
  /** What the region is, in words: "the selected lines", "the function `parse`", "the whole file". */
  what: string;
}

export const EDIT_SYSTEM_PROMPT = [
  'You edit code inside a code editor. You are given one region of a file and an instruction.',
  'Reply with the new text of the region only: the complete replacement for every line of the region, and nothing else.',
  'Rules:',
  '- No explanations, no preamble, no notes after the code, and no Markdown code fences.',
  '- Keep the indentation of the region and the style of the file (quotes, semicolons, naming).',
  '- Do not repeat code from above or below the region; it stays in the file as it is.',
  '- Change only what the instruction asks for; keep everything else in the region as it was.',
].join('\n');

/** How much surrounding code goes with the region, nearest lines first. */
export const CONTEXT_LIMITS = { beforeLines: 80, beforeChars: 6_000, afterLines: 40, afterChars: 3_000 };

/** The request for one edit: a system prompt with the rules and one user turn with the material. */
export function buildEditRequest(input: EditPromptInput): ChatRequest {
  const language = input.languageId && input.languageId !== 'plaintext' ? input.languageId : 'plain text';
  const parts = [`File: ${input.fileName} (${language})`];
  if (input.before) parts.push(`Code above the region, for context (do not repeat it):\n<above>\n${input.before}\n</above>`);
  parts.push(`The region to rewrite: ${input.what}, lines ${input.firstLine}-${input.lastLine}:\n<region>\n${input.code}\n</region>`);
  if (input.after) parts.push(`Code below the region, for context (do not repeat it):\n<below>\n${input.after}\n</below>`);
  parts.push(`Instruction: ${input.instruction.trim()}`);
  parts.push('Reply with the new text of the region only, without fences or comments about the change.');
  return { system: EDIT_SYSTEM_PROMPT, messages: [{ role: 'user', content: parts.join('\n\n') }] };
}

/** The lines just above a region, at most `maxLines` and `maxChars`, cut at a line boundary. */
export function contextAbove(lines: readonly string[], maxLines = CONTEXT_LIMITS.beforeLines, maxChars = CONTEXT_LIMITS.beforeChars): string {
  const kept: string[] = [];
  let size = 0;
  for (let i = lines.length - 1; i >= 0 && kept.length < maxLines; i--) {
    size += lines[i].length + 1;
    if (size > maxChars) break;
    kept.unshift(lines[i]);
  }
  return trimBlankEdges(kept);
}

/** The lines just below a region, at most `maxLines` and `maxChars`, cut at a line boundary. */
export function contextBelow(lines: readonly string[], maxLines = CONTEXT_LIMITS.afterLines, maxChars = CONTEXT_LIMITS.afterChars): string {
  const kept: string[] = [];
  let size = 0;
  for (let i = 0; i < lines.length && kept.length < maxLines; i++) {
    size += lines[i].length + 1;
    if (size > maxChars) break;
    kept.push(lines[i]);
  }
  return trimBlankEdges(kept);
}

function trimBlankEdges(lines: string[]): string {
  let start = 0;
  let end = lines.length;
  while (start < end && !lines[start].trim()) start++;
  while (end > start && !lines[end - 1].trim()) end--;
  return lines.slice(start, end).join('\n');
}
