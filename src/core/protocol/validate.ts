import type { AssistantTurn, Attachment, Chat, ChatSummary, ErrorCard, ModelOption, Seam, Turn, UserTurn } from './chat';
import type { ComposerState, HostMessage, WebviewMessage } from './messages';
import { array, boolean, either, integer, literal, number, object, optional, ProtocolError, Schema, string, tagged } from './schema';

const id = string(200);
const label = string(500);
/** Answers, attachments and code: large but bounded. */
const TEXT_LIMIT = 4 << 20;
const text = string(TEXT_LIMIT);

const attachment: Schema<Attachment> = object({
  kind: literal('selection', 'file'),
  path: string(4096),
  language: string(100),
  text,
  lines: optional(object({ start: integer, end: integer })),
  truncated: optional(boolean),
});

const seam: Schema<Seam> = object({
  offset: integer,
  from: label,
  to: label,
  reason: label,
  detail: string(10_000),
  at: integer,
  form: literal('prefill', 'instruction', 'restart'),
});

const errorCard: Schema<ErrorCard> = object({
  kind: string(50),
  headline: string(10_000),
  steps: array(object({ model: label, what: string(10_000) }), 100),
});

const userTurn: Schema<UserTurn> = object({
  role: literal('user'),
  id,
  text,
  attachments: array(attachment, 50),
  at: number,
});

const assistantTurn: Schema<AssistantTurn> = object({
  role: literal('assistant'),
  id,
  text,
  status: literal('streaming', 'done', 'stopped', 'failed', 'interrupted'),
  model: label,
  requested: label,
  seams: array(seam, 100),
  notes: array(string(10_000), 100),
  error: optional(errorCard),
  finishReason: optional(literal('stop', 'length', 'content-filter', 'tool-calls', 'other')),
  at: number,
});

const turn: Schema<Turn> = either<UserTurn, AssistantTurn>('role', { user: userTurn, assistant: assistantTurn });

/** A stored or sent chat. Also used to check what the workspace state gives back. */
export const chatSchema: Schema<Chat> = object({
  id,
  title: string(1000),
  modelId: optional(id),
  turns: array(turn, 5_000),
  createdAt: number,
  updatedAt: number,
});

const modelOption: Schema<ModelOption> = object({ id, label, detail: string(1000) });
const chatSummary: Schema<ChatSummary> = object({ id, title: string(1000), updatedAt: number, questions: integer });

const composer: Schema<ComposerState> = object({
  models: array(modelOption, 1000),
  modelId: string(200),
  attachments: array(attachment, 50),
  activeFile: optional(string(4096)),
});

const hostMessage = tagged<HostMessage>({
  snapshot: object({ type: literal('snapshot'), chat: chatSchema, composer, busy: boolean }),
  turn: object({ type: literal('turn'), turn }),
  text: object({ type: literal('text'), turnId: id, text }),
  progress: object({ type: literal('progress'), turnId: id, model: label, note: optional(string(10_000)) }),
  seam: object({ type: literal('seam'), turnId: id, seam }),
  end: object({ type: literal('end'), turn: assistantTurn }),
  composer: object({ type: literal('composer'), composer }),
  history: object({ type: literal('history'), chats: array(chatSummary, 10_000) }),
  focus: object({ type: literal('focus') }),
  notice: object({ type: literal('notice'), level: literal('info', 'error'), text: string(10_000) }),
});

const webviewMessage = tagged<WebviewMessage>({
  ready: object({ type: literal('ready') }),
  send: object({ type: literal('send'), text: string(1 << 20) }),
  stop: object({ type: literal('stop') }),
  regenerate: object({ type: literal('regenerate') }),
  newChat: object({ type: literal('newChat') }),
  showHistory: object({ type: literal('showHistory') }),
  openChat: object({ type: literal('openChat'), chatId: id }),
  deleteChat: object({ type: literal('deleteChat'), chatId: id }),
  selectModel: object({ type: literal('selectModel'), modelId: id }),
  attachActiveFile: object({ type: literal('attachActiveFile') }),
  removeAttachment: object({ type: literal('removeAttachment'), index: integer }),
  codeAction: object({ type: literal('codeAction'), action: literal('copy', 'insert', 'apply'), code: text }),
  openLink: object({ type: literal('openLink'), href: string(8192) }),
  openSettings: object({ type: literal('openSettings') }),
  setApiKey: object({ type: literal('setApiKey') }),
  manageModels: object({ type: literal('manageModels') }),
  log: object({ type: literal('log'), level: literal('info', 'warn', 'error'), message: string(10_000) }),
});

/** The outcome of checking a received message: the typed message, or why it was refused. */
export type Parsed<T> = { ok: true; message: T } | { ok: false; error: string };

function parse<T>(schema: Schema<T>, value: unknown): Parsed<T> {
  try {
    return { ok: true, message: schema(value, 'message') };
  } catch (error) {
    if (error instanceof ProtocolError) return { ok: false, error: error.message };
    throw error;
  }
}

/** Checks a message the webview received from the host. */
export const parseHostMessage = (value: unknown): Parsed<HostMessage> => parse(hostMessage, value);

/**
 * The webview's hot path: a text delta (thousands per answer) checked in place, without the copy
 * {@link parseHostMessage} makes. Anything else, or anything odd, goes the long way.
 */
export function isTextDelta(value: unknown): value is Extract<HostMessage, { type: 'text' }> {
  const message = value as { type?: unknown; turnId?: unknown; text?: unknown } | null;
  return typeof message === 'object' && message !== null && message.type === 'text'
    && typeof message.turnId === 'string' && message.turnId.length <= 200
    && typeof message.text === 'string' && message.text.length <= TEXT_LIMIT;
}

/** Checks a message the host received from the webview. */
export const parseWebviewMessage = (value: unknown): Parsed<WebviewMessage> => parse(webviewMessage, value);
