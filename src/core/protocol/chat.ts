/**
 * The chat as the host stores it and the webview shows it. Plain JSON: it is persisted in the
 * workspace state and sent whole to the webview when the view (re)loads.
 */
import type { FinishReason } from '../streamPart';

/** A piece of the editor attached to a question. */
export interface Attachment {
  kind: 'selection' | 'file';
  /** Workspace-relative path, for display and for the model. */
  path: string;
  /** The editor's language id, e.g. `typescript`. */
  language: string;
  text: string;
  /** 1-based, inclusive: the selected lines. Absent for a whole file. */
  lines?: { start: number; end: number };
  /** The text was cut to Baton's size limit. */
  truncated?: boolean;
}

export interface UserTurn {
  role: 'user';
  id: string;
  text: string;
  attachments: Attachment[];
  /** Epoch milliseconds. */
  at: number;
}

/**
 * Where a backup took over an answer that had started. The answer text stays one continuous
 * string; the seam only says where the next model's text begins.
 */
export interface Seam {
  /** Offset in the answer text where the backup's text begins (0 when it restarted the answer). */
  offset: number;
  /** Display names of the model that dropped and the one that took over. */
  from: string;
  to: string;
  /** Short words: "connection reset", "timed out". */
  reason: string;
  /** The failure's own message, redacted. */
  detail: string;
  /** Characters the user had when the model dropped. */
  at: number;
  /** How the backup went on: continuing the partial (`prefill`, `instruction`) or from scratch. */
  form: 'prefill' | 'instruction' | 'restart';
}

/** One failed step of a request whose whole chain failed. */
export interface FailedStepView {
  model: string;
  /** "connection reset at 1,204 chars (openai: connection reset (127.0.0.1:4711))" */
  what: string;
}

/** What the panel shows when an answer could not be completed. */
export interface ErrorCard {
  /** The error kind (`auth`, `network`, ...), which decides the card's actions. */
  kind: string;
  headline: string;
  steps: FailedStepView[];
}

/**
 * - `streaming`: being written.
 * - `done`: the model finished.
 * - `stopped`: the user stopped it; the text is what had arrived.
 * - `failed`: every model failed; `error` says how, the text is partial.
 * - `interrupted`: the window closed or reloaded while it was streaming.
 */
export type AnswerStatus = 'streaming' | 'done' | 'stopped' | 'failed' | 'interrupted';

export interface AssistantTurn {
  role: 'assistant';
  id: string;
  /** The answer as the user sees it: one continuous text, whoever wrote each part. */
  text: string;
  status: AnswerStatus;
  /** Display name of the model writing (or that wrote) the answer's last part. */
  model: string;
  /** Display name of the model the request started with. */
  requested: string;
  seams: Seam[];
  /** Failovers before the first token and other events worth a line ("gpt-4.1: rate limited → claude"). */
  notes: string[];
  error?: ErrorCard;
  /** Why the model stopped, when it finished. `length` means the answer hit the token limit. */
  finishReason?: FinishReason;
  at: number;
}

export type Turn = UserTurn | AssistantTurn;

export interface Chat {
  id: string;
  title: string;
  /** The model id chosen in the panel's picker for this chat; absent means the default model. */
  modelId?: string;
  turns: Turn[];
  createdAt: number;
  updatedAt: number;
}

/** A row of the chat history list. */
export interface ChatSummary {
  id: string;
  title: string;
  updatedAt: number;
  /** Number of questions asked. */
  questions: number;
}

/** An entry of the panel's model picker. */
export interface ModelOption {
  id: string;
  label: string;
  /** "openai · gpt-4.1 · backups: claude" */
  detail: string;
}
