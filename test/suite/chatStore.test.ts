import * as assert from 'assert';
import { randomUUID } from 'crypto';
import type * as vscode from 'vscode';
import { baton, readLog } from './helpers';

// Stored chats in the real workspace state (issue 13, item 13): a save writes only what changed,
// and a chat that fails validation is set aside, never deleted.

interface Store {
  load(): void;
  get(id: string): unknown;
  save(chat: object, current?: boolean): Promise<void>;
  delete(id: string): Promise<void>;
  list(): { id: string }[];
}
interface Hooks {
  logUri: vscode.Uri;
  session: { log: unknown };
  workspaceState: vscode.Memento;
  ChatStore: new (memento: vscode.Memento, log: unknown) => Store;
}

/** The real workspace state, with every write it gets counted in characters of JSON. */
function recording(state: vscode.Memento) {
  const writes: { key: string; chars: number }[] = [];
  const memento: vscode.Memento = {
    keys: () => state.keys(),
    get: ((key: string, fallback?: unknown) => state.get(key, fallback)) as vscode.Memento['get'],
    update: (key, value) => {
      writes.push({ key, chars: value === undefined ? 0 : JSON.stringify(value).length });
      return state.update(key, value);
    },
  };
  return { memento, writes };
}

const BIG = Array.from({ length: 2500 }, (_, i) => `export const value${i} = compute(${i}, '\t✓ 値');`).join('\n').slice(0, 100_000);

function chatWithAttachments(id: string) {
  const turns: object[] = [];
  for (let i = 0; i < 3; i++) {
    turns.push({ role: 'user', id: `q${i}`, text: `Question ${i}`, attachments: [{ kind: 'file', path: `src/f${i}.ts`, language: 'typescript', text: BIG }], at: i });
    turns.push({ role: 'assistant', id: `a${i}`, text: `Answer ${i}`, status: 'done', model: 'm', requested: 'm', seams: [], notes: [], at: i });
  }
  return { id, title: 'Attachments', turns, createdAt: 1, updatedAt: 1 };
}

describe('stored chats', () => {
  it('while an answer streams, each save writes that answer, not the 300k of attachments before it', async () => {
    const hooks = await baton() as unknown as Hooks;
    const { memento, writes } = recording(hooks.workspaceState);
    const store = new hooks.ChatStore(memento, hooks.session.log);
    store.load();
    const chat = chatWithAttachments(randomUUID()) as { turns: { text?: string; status?: string }[] };
    const answer = { role: 'assistant', id: 'streaming', text: '', status: 'streaming', model: 'm', requested: 'm', seams: [], notes: [], at: 9 };
    chat.turns.push({ role: 'user', id: 'q-last', text: 'Go on', attachments: [], at: 9 } as never, answer as never);
    await store.save(chat);
    const first = writes.reduce((sum, w) => sum + w.chars, 0);
    assert.ok(first > 300_000, 'the first save stores everything once');
    for (let i = 0; i < 10; i++) {
      writes.length = 0;
      answer.text += `Streaming part ${i} of the answer, with code:\n\tconst x${i} = ${i};\n`;
      await store.save(chat);
      const chars = writes.reduce((sum, w) => sum + w.chars, 0);
      assert.ok(chars < 3_000, `save ${i} wrote ${chars} characters: ${writes.map((w) => `${w.key} ${w.chars}`).join(', ')}`);
      assert.ok(writes.some((w) => w.key.endsWith('.turn.streaming')), 'the answer itself is written');
    }
    const fresh = new hooks.ChatStore(hooks.workspaceState, hooks.session.log);
    fresh.load();
    const back = fresh.get((chat as unknown as { id: string }).id) as { turns: { text: string; attachments?: { text: string }[] }[] };
    assert.strictEqual(back.turns.length, 8);
    assert.strictEqual(back.turns[0].attachments![0].text, BIG, 'attachments come back byte for byte');
    assert.strictEqual(back.turns[7].text, answer.text);
    await store.delete((chat as unknown as { id: string }).id);
  });

  it('a stored chat that fails validation is set aside with every byte, reported, and out of the list', async () => {
    const hooks = await baton() as unknown as Hooks;
    const state = hooks.workspaceState;
    const store = new hooks.ChatStore(state, hooks.session.log);
    store.load();
    const id = randomUUID();
    await store.save(chatWithAttachments(id));
    const broken = { role: 'user', id: 'q1', text: 42, attachments: 'not a list', at: 1 };
    await state.update(`baton.chat.${id}.turn.q1`, broken);
    assert.strictEqual(store.get(id), undefined);
    const asideKey = await (async () => {
      for (let i = 0; i < 50; i++) {
        const key = state.keys().find((k) => k.startsWith(`baton.chat.invalid.${id}.`));
        if (key) return key;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return undefined;
    })();
    assert.ok(asideKey, 'set aside under baton.chat.invalid.*');
    for (let i = 0; i < 50 && state.keys().some((k) => k.startsWith(`baton.chat.${id}`)); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    const aside = state.get<{ reason: string; chat: { turns: object[] } }>(asideKey!)!;
    assert.deepStrictEqual(aside.chat.turns[2], broken, 'the broken turn is kept as it was');
    assert.strictEqual((aside.chat.turns[0] as { attachments: { text: string }[] }).attachments[0].text, BIG, 'and every other byte of the chat');
    assert.match(aside.reason, /text/);
    assert.ok(!store.list().some((c) => c.id === id), 'no longer listed');
    assert.ok(!state.keys().some((k) => k.startsWith(`baton.chat.${id}`)), 'its old keys are gone');
    assert.match(readLog(hooks as never), new RegExp(`chat: a stored chat \\(${id}\\) is not valid .*set it aside as baton\\.chat\\.invalid\\.${id}`));
    await state.update(asideKey!, undefined);
  });

  it('a chat stored whole by an older Baton is read, and stored per turn from then on', async () => {
    const hooks = await baton() as unknown as Hooks;
    const state = hooks.workspaceState;
    const id = randomUUID();
    await state.update(`baton.chat.${id}`, chatWithAttachments(id));
    const store = new hooks.ChatStore(state, hooks.session.log);
    store.load();
    const chat = store.get(id) as { turns: object[] };
    assert.strictEqual(chat.turns.length, 6);
    await store.save(chat);
    assert.strictEqual((state.get<{ version: number }>(`baton.chat.${id}`))!.version, 2);
    assert.ok(state.get(`baton.chat.${id}.turn.q0`));
    await store.delete(id);
    assert.ok(!state.keys().some((k) => k.startsWith(`baton.chat.${id}`)));
  });
});
