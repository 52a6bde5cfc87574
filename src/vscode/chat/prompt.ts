import type { ChatMessage } from '../../core/chat';
import type { Attachment, Chat, UserTurn } from '../../core/protocol/chat';
import type { RouteRequest } from '../../core/router/router';

export const SYSTEM_PROMPT = [
  'You are Baton, a coding assistant inside Visual Studio Code.',
  'Answer in GitHub-flavoured Markdown. Put code in fenced code blocks tagged with their language.',
  'Be direct and precise; prefer short answers unless the user asks for detail.',
].join(' ');

/** A fence longer than any run of backticks in the text, so the text cannot close it early. */
function fenceFor(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}

function describe(a: Attachment): string {
  const where = a.lines ? `lines ${a.lines.start}-${a.lines.end} of ` : '';
  const cut = a.truncated ? ', truncated' : '';
  return `${a.kind === 'file' ? 'File' : 'Selection from'} ${where}\`${a.path}\` (${a.language}${cut}):`;
}

/** The question as the model reads it: each attachment as a fenced block, then the text. */
export function questionContent(turn: UserTurn): string {
  const parts = turn.attachments.map((a) => {
    const fence = fenceFor(a.text);
    return `${describe(a)}\n${fence}${a.language}\n${a.text}\n${fence}`;
  });
  return [...parts, turn.text].join('\n\n');
}

/** What to ask when the user sends attachments without a question. */
export function defaultQuestion(attachments: Attachment[]): string {
  const kind = attachments.every((a) => a.kind === 'file') ? 'file' : 'code';
  return `Explain ${attachments.length > 1 ? `these ${kind}s` : `this ${kind}`}.`;
}

/**
 * The request for the chat's last question: the earlier questions with their answers, then the last
 * question. Questions whose answer has no text (it failed before any arrived) are left out, so turns
 * keep alternating.
 */
export function buildRequest(chat: Chat, model: string | undefined): RouteRequest {
  const messages: ChatMessage[] = [];
  const turns = chat.turns;
  for (let i = 0; i < turns.length; i++) {
    const turn = turns[i];
    if (turn.role !== 'user') continue;
    const answer = turns[i + 1];
    const isLast = !turns.slice(i + 1).some((t) => t.role === 'user');
    if (isLast) {
      messages.push({ role: 'user', content: questionContent(turn) });
      break;
    }
    if (answer?.role === 'assistant' && answer.text.trim()) {
      messages.push({ role: 'user', content: questionContent(turn) }, { role: 'assistant', content: answer.text });
    }
  }
  return { model, system: SYSTEM_PROMPT, messages };
}
