import { randomUUID } from 'crypto';
import * as vscode from 'vscode';
import type { AssistantTurn, Attachment, Chat, UserTurn } from '../../core/protocol/chat';
import type { ComposerState, HostMessage } from '../../core/protocol/messages';
import type { BatonSession } from '../session';
import { AnswerRun } from './answerRun';
import { displayPath, sameAttachment } from './attachments';
import type { ChatStore } from './chatStore';
import type { EditorTracker } from './editorActions';
import { buildRequest, defaultQuestion } from './prompt';

/** While an answer streams, the chat is saved at most this often. */
const SAVE_EVERY_MS = 1500;

const newChat = (): Chat => ({ id: randomUUID(), title: 'New Chat', turns: [], createdAt: Date.now(), updatedAt: Date.now() });

function titleOf(text: string): string {
  const line = text.trim().split('\n')[0].trim();
  return line.length > 60 ? `${line.slice(0, 59)}…` : line || 'New Chat';
}

/**
 * The conversation, owned by the extension host: the chat on screen, the attachments waiting for
 * the next question, and the answer being written. The webview is a view of this state; every
 * change is posted to it, and a snapshot rebuilds it whenever it reloads.
 */
export class ChatController implements vscode.Disposable {
  private chat: Chat = newChat();
  private attachments: Attachment[] = [];
  private running?: AnswerRun;
  /** A question sent while the stopped answer was still winding down; asked as soon as it has. */
  private queued?: string;
  private saveTimer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly session: BatonSession,
    private readonly store: ChatStore,
    private readonly editors: EditorTracker,
    private readonly post: (message: HostMessage) => void,
  ) {}

  /** Restores the chat that was on screen when the window closed. */
  restore(): void {
    this.store.load();
    const id = this.store.currentId;
    const chat = id ? this.store.get(id) : undefined;
    if (chat) this.chat = chat;
  }

  get busy(): boolean {
    return !!this.running;
  }

  snapshot(): HostMessage {
    return { type: 'snapshot', chat: this.chat, composer: this.composer(), busy: this.busy };
  }

  composer(): ComposerState {
    const { models, fallbacks } = this.session.config.settings;
    const document = this.editors.editor?.document;
    return {
      models: models.map((m) => ({
        id: m.id, label: m.label ?? m.id,
        detail: [m.provider, m.model, fallbacks[m.id]?.length ? `backups: ${fallbacks[m.id].join(', ')}` : ''].filter(Boolean).join(' · '),
      })),
      modelId: this.chosenModel() ?? this.session.defaultModel ?? '',
      attachments: this.attachments,
      activeFile: document ? displayPath(document) : undefined,
    };
  }

  /** The model picked for this chat, while it is still configured. */
  private chosenModel(): string | undefined {
    const id = this.chat.modelId;
    return id && this.session.config.settings.models.some((m) => m.id === id) ? id : undefined;
  }

  label(modelId: string): string {
    const model = this.session.config.settings.models.find((m) => m.id === modelId);
    return model?.label ?? modelId;
  }

  send(text: string): void {
    if (this.running) {
      this.queued = text;
      this.running.stop();
      return;
    }
    const attachments = this.attachments;
    const question = text.trim() ? text : attachments.length ? defaultQuestion(attachments) : '';
    if (!question) return;
    const turn: UserTurn = { role: 'user', id: randomUUID(), text: question, attachments, at: Date.now() };
    this.attachments = [];
    if (!this.chat.turns.length) this.chat.title = titleOf(question);
    this.chat.turns.push(turn);
    this.post({ type: 'turn', turn });
    this.post({ type: 'composer', composer: this.composer() });
    this.answer();
  }

  /** Asks the last question again, replacing its answer. */
  regenerate(): void {
    if (this.running) return;
    const lastQuestion = this.chat.turns.map((t) => t.role).lastIndexOf('user');
    if (lastQuestion < 0) return;
    this.chat.turns.splice(lastQuestion + 1);
    this.post(this.snapshot());
    this.answer();
  }

  stop(): void {
    this.queued = undefined;
    this.running?.stop();
  }

  newChat(): void {
    this.stop();
    if (!this.chat.turns.length) {
      this.post({ type: 'focus' });
      return;
    }
    this.switchTo(newChat());
  }

  openChat(id: string): void {
    const chat = id === this.chat.id ? this.chat : this.store.get(id);
    if (!chat) {
      this.post({ type: 'notice', level: 'error', text: 'That chat is no longer stored.' });
      this.showHistory();
      return;
    }
    this.stop();
    this.switchTo(chat);
  }

  deleteChat(id: string): void {
    if (id === this.chat.id) {
      this.stop();
      this.chat = newChat();
      this.post(this.snapshot());
    }
    void this.store.delete(id).then(() => this.showHistory());
  }

  showHistory(): void {
    this.post({ type: 'history', chats: this.store.list() });
  }

  selectModel(id: string): void {
    if (!this.session.config.settings.models.some((m) => m.id === id)) return;
    this.chat.modelId = id;
    this.session.log.info(`chat: this chat now asks ${id} first`);
    this.saveNow();
    this.post({ type: 'composer', composer: this.composer() });
  }

  attach(attachment: Attachment): void {
    this.attachments = [...this.attachments.filter((a) => !sameAttachment(a, attachment)), attachment];
    this.post({ type: 'composer', composer: this.composer() });
  }

  removeAttachment(index: number): void {
    this.attachments = this.attachments.filter((_, i) => i !== index);
    this.post({ type: 'composer', composer: this.composer() });
  }

  private switchTo(chat: Chat): void {
    this.saveNow();
    this.chat = chat;
    void this.store.setCurrent(chat.turns.length ? chat.id : undefined);
    this.post(this.snapshot());
    this.post({ type: 'focus' });
  }

  private answer(): void {
    const chat = this.chat;
    const modelId = this.chosenModel();
    const requested = this.label(modelId ?? this.session.defaultModel ?? '');
    const turn: AssistantTurn = {
      role: 'assistant', id: randomUUID(), text: '', status: 'streaming', model: requested, requested, seams: [], notes: [], at: Date.now(),
    };
    const config = this.session.config.settings.models.find((m) => m.id === (modelId ?? this.session.defaultModel));
    const request = buildRequest(chat, modelId, { contextWindow: config?.contextWindow, maxTokens: config?.maxTokens });
    chat.turns.push(turn);
    this.post({ type: 'turn', turn });
    this.saveNow();
    const run = new AnswerRun(this.session, turn, {
      post: (message) => { if (this.chat === chat) this.post(message); },
      label: (id) => this.label(id),
      changed: () => this.saveSoon(chat),
    });
    this.running = run;
    void run.run(request).finally(() => {
      if (this.running === run) this.running = undefined;
      chat.updatedAt = Date.now();
      this.saveNow(chat);
      const queued = this.queued;
      this.queued = undefined;
      if (queued !== undefined && this.chat === chat) this.send(queued);
    });
  }

  private saveSoon(chat: Chat): void {
    this.saveTimer ??= setTimeout(() => {
      this.saveTimer = undefined;
      this.saveNow(chat);
    }, SAVE_EVERY_MS);
  }

  private saveNow(chat = this.chat): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    chat.updatedAt = Date.now();
    this.store.save(chat, chat === this.chat).catch((error) => this.session.log.error(`chat: could not save the chat: ${error}`));
  }

  dispose(): void {
    this.stop();
    this.saveNow();
  }
}
