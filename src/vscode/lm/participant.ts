import * as vscode from 'vscode';
import type { ChatMessage } from '../../core/chat';
import { BatonError } from '../../core/errors';
import { requestFailed } from '../../core/lm/failure';
import { chainLabel } from '../../core/lm/models';
import type { Attachment } from '../../core/protocol/chat';
import type { RouterEvent } from '../../core/router/events';
import { displayPath } from '../chat/attachments';
import { questionContent, SYSTEM_PROMPT } from '../chat/prompt';
import { describeHandover, handoverFrom } from '../handovers';
import type { BatonSession } from '../session';
import { VENDOR } from './provider';

/** `contributes.chatParticipants[0].id` */
export const PARTICIPANT_ID = 'baton.participant';

/** A referenced file larger than this is cut, and says so (as in Baton's own chat). */
const MAX_REFERENCE_CHARS = 100_000;

/** What a `@baton` answer keeps for the next turn: the answer exactly as the models wrote it, without Baton's notes. */
interface TurnMetadata {
  answer: string;
  model: string;
}

/**
 * `@baton` in the editor's built-in chat: answers through Baton's router, shows where a backup
 * took over as a short note after the answer (the answer itself stays one unbroken text, as the
 * models wrote it), reads the files and selections attached to the question, and offers
 * `/models` and `/handovers`.
 */
export function registerParticipant(context: vscode.ExtensionContext, session: BatonSession): vscode.Disposable {
  const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, (request, chatContext, stream, token) => {
    if (request.command === 'models') return listModels(session, stream);
    if (request.command === 'handovers') return listHandovers(session, stream);
    return answer(session, request, chatContext, stream, token);
  });
  participant.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icon.png');
  return participant;
}

async function answer(
  session: BatonSession, request: vscode.ChatRequest, chatContext: vscode.ChatContext, stream: vscode.ChatResponseStream, token: vscode.CancellationToken,
): Promise<vscode.ChatResult> {
  const { settings } = session.config;
  if (!settings.models.length) {
    stream.markdown('No Baton models are configured yet. Add one, with its key and fallbacks, in **Baton: Manage Models**.');
    stream.button({ command: 'baton.manageModels', title: 'Manage Models' });
    return {};
  }
  // The picker's model when it is one of Baton's; any other vendor's model cannot go through the router.
  const picked = request.model?.vendor === VENDOR && settings.models.some((m) => m.id === request.model.id) ? request.model.id : undefined;
  const model = picked ?? session.defaultModel!;
  const attachments = await readReferences(request.references, stream);
  const messages: ChatMessage[] = [...history(chatContext), {
    role: 'user', content: questionContent({ role: 'user', id: '', at: 0, text: request.prompt, attachments }),
  }];
  const notes: string[] = [];
  let text = '';
  try {
    for await (const event of session.run('@baton', { model, system: SYSTEM_PROMPT, messages }, token)) {
      if (event.type === 'text') {
        text += event.text;
        stream.markdown(event.text);
      } else if (event.type === 'fallback') {
        // Shown after the answer: anything streamed between two pieces of markdown would split
        // the paragraph (or code block) at the seam. Before the first token there is nothing to split.
        const note = seamNote(event);
        notes.push(note);
        if (!text) stream.progress(note);
      }
    }
  } catch (error) {
    if (notes.length) stream.markdown(notesMarkdown(notes, text));
    if (token.isCancellationRequested || (BatonError.is(error) && error.kind === 'aborted')) return { metadata: { answer: text, model } satisfies TurnMetadata };
    const failure = requestFailed(model, BatonError.is(error) ? error : new BatonError('protocol', String(error)));
    return { errorDetails: { message: session.log.clean(failure.message) }, metadata: { answer: text, model } satisfies TurnMetadata };
  }
  if (notes.length) stream.markdown(notesMarkdown(notes, text));
  return { metadata: { answer: text, model } satisfies TurnMetadata };
}

/** "primary dropped at 703 chars (connection failed); backup continued the answer." */
function seamNote(event: Extract<RouterEvent, { type: 'fallback' }>): string {
  const h = handoverFrom(event);
  if (h.phase !== 'mid-stream') return `${h.from} failed before answering (${h.reason}); ${h.to} answered.`;
  const how = event.form === 'restart' ? 'started the answer again' : 'continued the same answer from there';
  return `${h.from} dropped at ${h.chars.toLocaleString('en-US')} chars (${h.reason}); ${h.to} ${how}.`;
}

/** The notes as a quote after the answer, on a line of their own whatever the answer ended with. */
function notesMarkdown(notes: string[], answerText: string): string {
  const gap = answerText.endsWith('\n\n') ? '' : answerText.endsWith('\n') ? '\n' : '\n\n';
  return `${gap}${notes.map((n) => `> *Baton: ${escapeMarkdown(n)}*`).join('\n>\n')}\n`;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>#|~]/g, (c) => `\\${c}`);
}

/** Earlier `@baton` turns (the editor passes only this participant's), without `/models` and `/handovers`. */
function history(chatContext: vscode.ChatContext): ChatMessage[] {
  const messages: ChatMessage[] = [];
  let question: string | undefined;
  for (const turn of chatContext.history) {
    if (turn instanceof vscode.ChatRequestTurn) {
      question = turn.command ? undefined : turn.prompt;
    } else if (turn instanceof vscode.ChatResponseTurn && question !== undefined && !turn.command) {
      const kept = (turn.result.metadata as Partial<TurnMetadata> | undefined)?.answer;
      const answerText = typeof kept === 'string' ? kept : turn.response
        .map((part) => (part instanceof vscode.ChatResponseMarkdownPart ? part.value.value : ''))
        .join('');
      if (answerText.trim()) messages.push({ role: 'user', content: question }, { role: 'assistant', content: answerText });
      question = undefined;
    }
  }
  return messages;
}

/** Files and selections attached to the question, read from the editor (open documents include unsaved changes). */
async function readReferences(references: readonly vscode.ChatPromptReference[], stream: vscode.ChatResponseStream): Promise<Attachment[]> {
  const attachments: Attachment[] = [];
  for (const reference of references) {
    const { value } = reference;
    const uri = value instanceof vscode.Uri ? value : value instanceof vscode.Location ? value.uri : undefined;
    // Only files and ranges: the chat also passes strings meant for its own agent (an index of
    // its skills, instructions), which are not what the user attached.
    if (!uri) continue;
    try {
      const document = await vscode.workspace.openTextDocument(uri);
      const range = value instanceof vscode.Location ? value.range : undefined;
      attachments.push(range
        ? { kind: 'selection', path: displayPath(document), language: document.languageId, lines: { start: range.start.line + 1, end: range.end.line + 1 }, ...clip(document.getText(range)) }
        : { kind: 'file', path: displayPath(document), language: document.languageId, ...clip(document.getText()) });
      stream.reference(value as vscode.Uri | vscode.Location);
    } catch {
      // A folder, a binary or a deleted file: nothing to read, and the question still goes out.
    }
  }
  return attachments;
}

function clip(text: string): { text: string; truncated?: boolean } {
  return text.length > MAX_REFERENCE_CHARS ? { text: text.slice(0, MAX_REFERENCE_CHARS), truncated: true } : { text };
}

function listModels(session: BatonSession, stream: vscode.ChatResponseStream): vscode.ChatResult {
  const { settings } = session.config;
  if (!settings.models.length) {
    stream.markdown('No Baton models are configured yet.');
  } else {
    const lines = settings.models.map((m) => {
      const isDefault = m.id === session.defaultModel ? ' (default)' : '';
      return `- **${escapeMarkdown(m.label ?? m.id)}**${isDefault}: ${escapeMarkdown(`${m.provider} · ${m.model}`)}; chain ${escapeMarkdown(chainLabel(settings, m.id))}`;
    });
    stream.markdown(`Baton's models:\n\n${lines.join('\n')}\n`);
  }
  stream.button({ command: 'baton.manageModels', title: 'Manage Models' });
  return {};
}

function listHandovers(session: BatonSession, stream: vscode.ChatResponseStream): vscode.ChatResult {
  const history = session.status.history;
  if (!history.length) {
    stream.markdown('No handovers yet: every answer came from its first model.');
    return {};
  }
  const lines = history.map((h) => `- ${escapeMarkdown(h.at.toLocaleTimeString())}: ${escapeMarkdown(describeHandover(h))}`);
  stream.markdown(`Recent handovers, newest first:\n\n${lines.join('\n')}\n`);
  return {};
}
