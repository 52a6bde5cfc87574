import * as fs from 'node:fs';
import type { ChatMessage, ToolDefinition } from '../core/chat';
import { ConversationProblem, readMessages, readTools } from '../core/conversation';
import { UsageError } from './settingsFile';

/** Reads `--tools FILE`: a JSON array of tools. Every problem is reported with its path and the fix. */
export function loadTools(file: string): ToolDefinition[] {
  const { tools, problems } = readTools(readJson(file, '--tools'));
  if (problems.length) throw invalid(file, '--tools', problems);
  return tools;
}

/** Reads `--messages FILE`: the conversation so far, in Baton's neutral message format. */
export function loadMessages(file: string): ChatMessage[] {
  const { messages, problems } = readMessages(readJson(file, '--messages'));
  if (problems.length) throw invalid(file, '--messages', problems);
  return messages;
}

function readJson(file: string, flag: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${flag}: no file at ${file}` : `${flag}: cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${flag}: ${file} is not valid JSON (${(error as Error).message}); the file must hold one JSON array`);
  }
}

function invalid(file: string, flag: string, problems: ConversationProblem[]): UsageError {
  const shown = problems.slice(0, 20).map((p) => `  ${p.path}: ${p.message}`);
  if (problems.length > shown.length) shown.push(`  … and ${problems.length - shown.length} more`);
  return new UsageError(`${flag}: invalid ${file}:\n${shown.join('\n')}`);
}
