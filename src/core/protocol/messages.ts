import type { AssistantTurn, Attachment, Chat, ChatSummary, ModelOption, Seam, Turn } from './chat';

/**
 * Everything the extension host tells the chat webview. The webview validates each message on
 * receipt ({@link parseHostMessage}) and drops, and reports, any that does not fit.
 */
export type HostMessage =
  /** The whole state: sent when the webview (re)loads and when the shown chat changes. */
  | { type: 'snapshot'; chat: Chat; composer: ComposerState; busy: boolean }
  /** A turn was added to the shown chat (the question, then its answer in `streaming` state). */
  | { type: 'turn'; turn: Turn }
  /** More answer text; deltas are coalesced, so one message may carry many tokens. */
  | { type: 'text'; turnId: string; text: string }
  /** Who is writing now and what is happening ("retrying in 1.2 s: rate limited"). */
  | { type: 'progress'; turnId: string; model: string; note?: string }
  /** A backup took over mid-answer. For a restart, the text so far is discarded. */
  | { type: 'seam'; turnId: string; seam: Seam }
  /** The answer ended; the turn is final and its text is authoritative. */
  | { type: 'end'; turn: AssistantTurn }
  /** The picker's models, the attachments waiting to be sent, and the active file, changed. */
  | { type: 'composer'; composer: ComposerState }
  | { type: 'history'; chats: ChatSummary[] }
  /** Put the cursor in the input box. */
  | { type: 'focus' }
  /** A short confirmation or problem after an action, e.g. "Copied". */
  | { type: 'notice'; level: 'info' | 'error'; text: string };

/** What the input area shows besides the text being typed. */
export interface ComposerState {
  models: ModelOption[];
  /** The model the next question goes to; empty when none is configured. */
  modelId: string;
  /** Context waiting to go with the next question. */
  attachments: Attachment[];
  /** The active editor's file, offered as a one-click attachment. */
  activeFile?: string;
}

/** What a code block's buttons ask the host to do with its code. */
export type CodeAction = 'copy' | 'insert' | 'apply';

/**
 * Everything the chat webview asks of the extension host. The host validates each message on
 * receipt ({@link parseWebviewMessage}); a malformed one is dropped and logged.
 */
export type WebviewMessage =
  /** The webview has loaded and wants a snapshot. */
  | { type: 'ready' }
  | { type: 'send'; text: string }
  | { type: 'stop' }
  /** Ask the last question again, replacing its answer. */
  | { type: 'regenerate' }
  | { type: 'newChat' }
  | { type: 'showHistory' }
  | { type: 'openChat'; chatId: string }
  | { type: 'deleteChat'; chatId: string }
  | { type: 'selectModel'; modelId: string }
  | { type: 'attachActiveFile' }
  | { type: 'removeAttachment'; index: number }
  | { type: 'codeAction'; action: CodeAction; code: string }
  /** A link in an answer was clicked; the host opens http and https links only. */
  | { type: 'openLink'; href: string }
  | { type: 'openSettings' }
  | { type: 'setApiKey' }
  /** Run "Baton: Manage Models" (the empty state's first step). */
  | { type: 'manageModels' }
  /** Something the webview wants in Baton's log (a dropped message, a render failure). */
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };
