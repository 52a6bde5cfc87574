import type { ChatMessage } from '../../core/chat';
import type { Attachment, Chat, UserTurn } from '../../core/protocol/chat';
import type { RouteRequest } from '../../core/router/router';

export const SYSTEM_PROMPT = [
  'You are Baton, a coding assistant inside Visual Studio Code.',
  'Answer in GitHub-flavoured Markdown. Put code in fenced code blocks tagged with their language.',
  'Be direct and precise; prefer short answers unless the user asks for detail.',
].join(' ');

/** The context window assumed for a model whose `contextWindow` is not configured. */
export const DEFAULT_CONTEXT_TOKENS = 32_000;
/** Room kept for the answer when the model's `maxTokens` is not configured. */
const DEFAULT_ANSWER_TOKENS = 4_096;

/**
 * Tokens a text takes, estimated on the high side: about 3 characters a token for code, where
 * English prose averages 4. (CJK text can take one token a character; the last question is sent
 * whole whatever it costs, and a model that overflows hands the request to a larger fallback.)
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3);
}

/** What the request may spend on the conversation: the model's window, less room for its answer. */
export interface ContextBudget {
  contextWindow?: number;
  maxTokens?: number;
}

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

function attachmentBlock(a: Attachment): string {
  const fence = fenceFor(a.text);
  return `${describe(a)}\n${fence}${a.language}\n${a.text}\n${fence}`;
}

/** Stands in for an earlier attachment that is not sent again: the model still knows it was there. */
function attachmentStub(a: Attachment, why: 'again' | 'budget'): string {
  const what = `${a.kind === 'file' ? 'File' : 'Selection from'} ${a.lines ? `lines ${a.lines.start}-${a.lines.end} of ` : ''}\`${a.path}\``;
  return why === 'again'
    ? `[${what} was attached here; it is attached again further down.]`
    : `[${what} (${a.text.length.toLocaleString('en-US')} characters) was attached here; it is left out now to fit the context window.]`;
}

/** The question as the model reads it: each attachment as a fenced block, then the text. */
export function questionContent(turn: UserTurn, parts: string[] = turn.attachments.map(attachmentBlock)): string {
  return [...parts, turn.text].join('\n\n');
}

/** What to ask when the user sends attachments without a question. */
export function defaultQuestion(attachments: Attachment[]): string {
  const kind = attachments.every((a) => a.kind === 'file') ? 'file' : 'code';
  return `Explain ${attachments.length > 1 ? `these ${kind}s` : `this ${kind}`}.`;
}

const sameContent = (a: Attachment, b: Attachment) => a.path === b.path && a.text === b.text && a.lines?.start === b.lines?.start && a.lines?.end === b.lines?.end;

/**
 * The request for the chat's last question, within the model's context window. The last question
 * goes whole, with its attachments. The earlier questions and answers come before it, newest
 * first, while they fit: an earlier attachment is sent again only when it fits and is not attached
 * again later (otherwise a one-line note says it was there), and turns that no longer fit are left
 * out, oldest first. Questions whose answer has no text (it failed before any arrived) are left
 * out too, so turns keep alternating.
 */
export function buildRequest(chat: Chat, model: string | undefined, budget: ContextBudget = {}): RouteRequest {
  const turns = chat.turns;
  const lastIndex = turns.map((t) => t.role).lastIndexOf('user');
  if (lastIndex < 0) return { model, system: SYSTEM_PROMPT, messages: [] };
  const last = turns[lastIndex] as UserTurn;
  const lastContent = questionContent(last);
  let left = (budget.contextWindow ?? DEFAULT_CONTEXT_TOKENS) - (budget.maxTokens ?? DEFAULT_ANSWER_TOKENS)
    - estimateTokens(SYSTEM_PROMPT) - estimateTokens(lastContent);

  // Earlier exchanges, newest first; attachments seen later in the conversation are not repeated.
  const later: Attachment[] = [...last.attachments];
  const earlier: ChatMessage[][] = [];
  for (let i = lastIndex - 1; i >= 0 && left > 0; i--) {
    const turn = turns[i];
    if (turn.role !== 'user') continue;
    const answer = turns[i + 1];
    if (answer?.role !== 'assistant' || !answer.text.trim()) continue;
    const stubs = turn.attachments.map((a) => attachmentStub(a, later.some((b) => sameContent(a, b)) ? 'again' : 'budget'));
    const bare = estimateTokens(questionContent(turn, stubs)) + estimateTokens(answer.text);
    if (bare > left) break;
    left -= bare;
    const parts = turn.attachments.map((a, k) => {
      if (later.some((b) => sameContent(a, b))) return stubs[k];
      const full = attachmentBlock(a);
      const extra = estimateTokens(full) - estimateTokens(stubs[k]);
      if (extra > left) return stubs[k];
      left -= extra;
      return full;
    });
    later.push(...turn.attachments);
    earlier.unshift([{ role: 'user', content: questionContent(turn, parts) }, { role: 'assistant', content: answer.text }]);
  }
  return { model, system: SYSTEM_PROMPT, messages: [...earlier.flat(), { role: 'user', content: lastContent }] };
}
