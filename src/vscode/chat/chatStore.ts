import type * as vscode from 'vscode';
import type { Chat, ChatSummary } from '../../core/protocol/chat';
import { chatSchema } from '../../core/protocol/validate';
import type { BatonLog } from '../log';

const INDEX_KEY = 'baton.chats';
const chatKey = (id: string) => `baton.chat.${id}`;
/** Older chats beyond this are dropped. */
const MAX_CHATS = 200;

interface Index {
  version: 1;
  currentId?: string;
  /** Newest first. */
  chats: ChatSummary[];
}

export function summarize(chat: Chat): ChatSummary {
  return { id: chat.id, title: chat.title, updatedAt: chat.updatedAt, questions: chat.turns.filter((t) => t.role === 'user').length };
}

/**
 * The chats of this workspace, in the workspace state: one key per chat and an index, so saving a
 * streaming answer writes that chat alone. Whatever comes back from storage is validated; a chat
 * that does not fit the schema is dropped and logged. Empty chats are never stored.
 */
export class ChatStore {
  private index: Index = { version: 1, chats: [] };

  constructor(private readonly memento: vscode.Memento, private readonly log: BatonLog) {}

  /** Reads the index. Call once, before anything else. */
  load(): void {
    const stored = this.memento.get<Index>(INDEX_KEY);
    if (stored?.version === 1 && Array.isArray(stored.chats)) this.index = { version: 1, currentId: stored.currentId, chats: stored.chats.filter((c) => typeof c?.id === 'string') };
  }

  get currentId(): string | undefined {
    return this.index.currentId;
  }

  list(): ChatSummary[] {
    return this.index.chats;
  }

  get(id: string): Chat | undefined {
    const raw = this.memento.get<unknown>(chatKey(id));
    if (raw === undefined) return undefined;
    try {
      const chat = chatSchema(raw, 'chat');
      // Stored while an answer was streaming: the window closed before it ended.
      for (const turn of chat.turns) if (turn.role === 'assistant' && turn.status === 'streaming') turn.status = 'interrupted';
      return chat;
    } catch (error) {
      this.log.warn(`chat: dropped stored chat ${id}, which is not valid: ${(error as Error).message}`);
      void this.delete(id);
      return undefined;
    }
  }

  async save(chat: Chat, current = true): Promise<void> {
    if (!chat.turns.length) return this.setCurrent(current ? undefined : this.index.currentId);
    const others = this.index.chats.filter((c) => c.id !== chat.id);
    const dropped = others.splice(MAX_CHATS - 1);
    this.index = { version: 1, currentId: current ? chat.id : this.index.currentId, chats: [summarize(chat), ...others] };
    await Promise.all([
      this.memento.update(chatKey(chat.id), chat),
      ...dropped.map((c) => this.memento.update(chatKey(c.id), undefined)),
      this.memento.update(INDEX_KEY, this.index),
    ]);
  }

  async delete(id: string): Promise<void> {
    this.index = { ...this.index, currentId: this.index.currentId === id ? undefined : this.index.currentId, chats: this.index.chats.filter((c) => c.id !== id) };
    await Promise.all([this.memento.update(chatKey(id), undefined), this.memento.update(INDEX_KEY, this.index)]);
  }

  async setCurrent(id: string | undefined): Promise<void> {
    if (this.index.currentId === id) return;
    this.index = { ...this.index, currentId: id };
    await this.memento.update(INDEX_KEY, this.index);
  }
}
