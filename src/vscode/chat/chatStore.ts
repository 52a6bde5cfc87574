import type * as vscode from 'vscode';
import type { Chat, ChatSummary, Turn } from '../../core/protocol/chat';
import { chatSchema } from '../../core/protocol/validate';
import type { BatonLog } from '../log';

const INDEX_KEY = 'baton.chats';
const chatKey = (id: string) => `baton.chat.${id}`;
const turnKey = (chatId: string, turnId: string) => `baton.chat.${chatId}.turn.${turnId}`;
const ASIDE_PREFIX = 'baton.chat.invalid.';
/** Older chats beyond this are dropped. */
const MAX_CHATS = 200;
/** Chats set aside for failing validation that are kept; older ones go. */
const MAX_ASIDE = 10;

interface Index {
  version: 1;
  currentId?: string;
  /** Newest first. */
  chats: ChatSummary[];
}

/** A stored chat without its turns, which are stored one key each. */
interface ChatHead {
  version: 2;
  id: string;
  title: string;
  modelId?: string;
  createdAt: number;
  updatedAt: number;
  turnIds: string[];
}

export function summarize(chat: Chat): ChatSummary {
  return { id: chat.id, title: chat.title, updatedAt: chat.updatedAt, questions: chat.turns.filter((t) => t.role === 'user').length };
}

/**
 * What a stored turn must be written again for. A question never changes once asked; an answer
 * changes as it streams and when it ends.
 */
function signature(turn: Turn): string {
  return turn.role === 'user' ? 'question'
    : `${turn.status}|${turn.text.length}|${turn.seams.length}|${turn.notes.length}|${turn.error ? 1 : 0}|${turn.finishReason ?? ''}|${turn.model}`;
}

/**
 * The chats of this workspace, in the workspace state: an index, one key per chat for its title
 * and turn list, and one key per turn. A save writes only what changed: while an answer streams,
 * that answer alone, not the questions before it with their attachments (up to 100k characters
 * each). Whatever comes back from storage is validated; a chat that does not fit the schema is set
 * aside under `baton.chat.invalid.*`, never deleted, and reported. Empty chats are never stored.
 */
export class ChatStore {
  private index: Index = { version: 1, chats: [] };
  /** What each stored turn was written as, by key: so unchanged turns are not written again. */
  private readonly written = new Map<string, string>();
  private readonly asideEmitter: ((id: string, key: string) => void)[] = [];

  constructor(private readonly memento: vscode.Memento, private readonly log: BatonLog) {}

  /** Called with the chat id and the key it was set aside under, when a stored chat fails validation. */
  onDidSetAside(listener: (id: string, key: string) => void): void {
    this.asideEmitter.push(listener);
  }

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
    const assembled = this.assemble(id, raw);
    try {
      const chat = chatSchema(assembled, 'chat');
      // Stored while an answer was streaming: the window closed before it ended.
      for (const turn of chat.turns) if (turn.role === 'assistant' && turn.status === 'streaming') turn.status = 'interrupted';
      if (isHead(raw)) for (const turn of chat.turns) this.written.set(turnKey(id, turn.id), signature(turn));
      return chat;
    } catch (error) {
      void this.setAside(id, raw, assembled, (error as Error).message);
      return undefined;
    }
  }

  async save(chat: Chat, current = true): Promise<void> {
    if (!chat.turns.length) return this.setCurrent(current ? undefined : this.index.currentId);
    const others = this.index.chats.filter((c) => c.id !== chat.id);
    const dropped = others.splice(MAX_CHATS - 1);
    this.index = { version: 1, currentId: current ? chat.id : this.index.currentId, chats: [summarize(chat), ...others] };
    const head: ChatHead = {
      version: 2, id: chat.id, title: chat.title, modelId: chat.modelId, createdAt: chat.createdAt, updatedAt: chat.updatedAt,
      turnIds: chat.turns.map((t) => t.id),
    };
    const writes: Thenable<void>[] = [];
    for (const turn of chat.turns) {
      const key = turnKey(chat.id, turn.id);
      const sig = signature(turn);
      if (this.written.get(key) === sig) continue;
      this.written.set(key, sig);
      writes.push(this.memento.update(key, turn));
    }
    // A regenerated answer leaves its old turn behind: remove it with the rest of the chat's keys.
    for (const key of this.turnKeys(chat.id)) {
      if (!head.turnIds.some((id) => turnKey(chat.id, id) === key)) writes.push(this.remove(key));
    }
    writes.push(this.memento.update(chatKey(chat.id), head));
    for (const c of dropped) writes.push(...this.removeChat(c.id));
    writes.push(this.memento.update(INDEX_KEY, this.index));
    await Promise.all(writes);
  }

  async delete(id: string): Promise<void> {
    this.index = { ...this.index, currentId: this.index.currentId === id ? undefined : this.index.currentId, chats: this.index.chats.filter((c) => c.id !== id) };
    await Promise.all([...this.removeChat(id), this.memento.update(INDEX_KEY, this.index)]);
  }

  async setCurrent(id: string | undefined): Promise<void> {
    if (this.index.currentId === id) return;
    this.index = { ...this.index, currentId: id };
    await this.memento.update(INDEX_KEY, this.index);
  }

  /** The chat as stored: a head with its turns (version 2), or a whole chat from an older Baton. */
  private assemble(id: string, raw: unknown): unknown {
    if (!isHead(raw)) return raw;
    const { version: _version, turnIds, ...rest } = raw;
    return { ...rest, turns: turnIds.map((turnId) => this.memento.get<unknown>(turnKey(id, turnId))) };
  }

  /** Moves a chat that fails validation out of the way, keeping every byte of it, and says where. */
  private async setAside(id: string, raw: unknown, assembled: unknown, reason: string): Promise<void> {
    const key = `${ASIDE_PREFIX}${id}.${Date.now()}`;
    this.log.warn(`chat: a stored chat (${id}) is not valid (${reason}); set it aside as ${key} in the workspace state`);
    this.index = { ...this.index, currentId: this.index.currentId === id ? undefined : this.index.currentId, chats: this.index.chats.filter((c) => c.id !== id) };
    // Written in full before anything of the original is removed.
    await this.memento.update(key, { reason, stored: raw, chat: assembled });
    await Promise.all([...this.removeChat(id), this.memento.update(INDEX_KEY, this.index)]);
    const aside = this.memento.keys().filter((k) => k.startsWith(ASIDE_PREFIX)).sort((a, b) => Number(b.split('.').pop()) - Number(a.split('.').pop()));
    await Promise.all(aside.slice(MAX_ASIDE).map((k) => this.remove(k)));
    for (const listener of this.asideEmitter) listener(id, key);
  }

  private removeChat(id: string): Thenable<void>[] {
    return [this.remove(chatKey(id)), ...this.turnKeys(id).map((key) => this.remove(key))];
  }

  private turnKeys(chatId: string): string[] {
    const prefix = `${chatKey(chatId)}.turn.`;
    return this.memento.keys().filter((key) => key.startsWith(prefix));
  }

  private remove(key: string): Thenable<void> {
    this.written.delete(key);
    return this.memento.update(key, undefined);
  }
}

function isHead(value: unknown): value is ChatHead {
  return typeof value === 'object' && value !== null && (value as ChatHead).version === 2 && Array.isArray((value as ChatHead).turnIds);
}
