import * as assert from 'assert';
import type { AssistantTurn, Chat } from '../../src/core/protocol/chat';
import { describeSeam } from '../../src/core/protocol/describe';
import { chatSchema, isTextDelta, parseHostMessage, parseWebviewMessage } from '../../src/core/protocol/validate';

const answer: AssistantTurn = {
  role: 'assistant', id: 'a1', text: 'Hello', status: 'done', model: 'claude', requested: 'gpt-4.1', at: 1,
  seams: [{ offset: 3, from: 'gpt-4.1', to: 'claude', reason: 'connection reset', detail: 'openai: connection reset (api:443)', at: 1204, form: 'prefill' }],
  notes: [], finishReason: 'stop',
};
const chat: Chat = {
  id: 'c1', title: 'T', createdAt: 1, updatedAt: 2, modelId: 'fast',
  turns: [{ role: 'user', id: 'u1', text: 'Hi', attachments: [{ kind: 'selection', path: 'a.ts', language: 'typescript', text: 'x', lines: { start: 1, end: 2 } }], at: 0 }, answer],
};

describe('protocol: messages between the host and the webview', () => {
  it('accepts every well-formed webview message and returns it typed', () => {
    const messages = [
      { type: 'ready' }, { type: 'send', text: 'hi' }, { type: 'stop' }, { type: 'regenerate' }, { type: 'newChat' }, { type: 'showHistory' },
      { type: 'openChat', chatId: 'c' }, { type: 'deleteChat', chatId: 'c' }, { type: 'selectModel', modelId: 'm' },
      { type: 'attachActiveFile' }, { type: 'removeAttachment', index: 0 }, { type: 'codeAction', action: 'apply', code: 'x' },
      { type: 'openLink', href: 'https://example.com' }, { type: 'openSettings' }, { type: 'setApiKey' }, { type: 'manageModels' },
      { type: 'log', level: 'warn', message: 'm' },
    ];
    for (const message of messages) assert.deepStrictEqual(parseWebviewMessage(message), { ok: true, message });
  });

  it('refuses malformed webview messages, saying where', () => {
    const cases: [unknown, RegExp][] = [
      [null, /message\.type: unknown message type/],
      ['send', /unknown message type/],
      [{ type: 'exec', command: 'rm' }, /unknown message type "exec"/],
      [{ type: 'send' }, /message\.text: expected a string, got undefined/],
      [{ type: 'send', text: 42 }, /message\.text: expected a string, got number/],
      [{ type: 'codeAction', action: 'delete', code: 'x' }, /message\.action: expected one of copy, insert, apply/],
      [{ type: 'removeAttachment', index: 1.5 }, /message\.index: expected an integer/],
      [{ type: 'openLink', href: 'x'.repeat(9000) }, /longer than 8192/],
      [{ type: 'toString' }, /unknown message type/],
      [{ type: '__proto__' }, /unknown message type/],
    ];
    for (const [value, error] of cases) {
      const parsed = parseWebviewMessage(value);
      assert.strictEqual(parsed.ok, false, JSON.stringify(value)?.slice(0, 60));
      if (!parsed.ok) assert.match(parsed.error, error);
    }
  });

  it('keeps only declared fields', () => {
    const parsed = parseWebviewMessage({ type: 'send', text: 'hi', html: '<img onerror=x>', __proto__: { polluted: true } });
    assert.deepStrictEqual(parsed, { ok: true, message: { type: 'send', text: 'hi' } });
  });

  it('checks host messages deeply: a snapshot with a chat, and a bad turn inside it', () => {
    const snapshot = { type: 'snapshot', chat, busy: false, composer: { models: [{ id: 'fast', label: 'Fast', detail: 'openai · m' }], modelId: 'fast', attachments: [] } };
    assert.deepStrictEqual(parseHostMessage(snapshot), { ok: true, message: snapshot });
    const broken = { ...snapshot, chat: { ...chat, turns: [{ ...answer, status: 'exploded' }] } };
    const parsed = parseHostMessage(broken);
    assert.strictEqual(parsed.ok, false);
    if (!parsed.ok) assert.match(parsed.error, /message\.chat\.turns\[0\]\.status: expected one of streaming, done/);
    const role = parseHostMessage({ type: 'turn', turn: { ...answer, role: 'system' } });
    assert.strictEqual(role.ok, false);
    if (!role.ok) assert.match(role.error, /message\.turn\.role: expected user or assistant/);
  });

  it('checks text deltas on a fast path that agrees with the full check', () => {
    const cases: unknown[] = [
      { type: 'text', turnId: 'a', text: 'hi' }, { type: 'text', turnId: 'a', text: 42 }, { type: 'text', text: 'hi' },
      { type: 'text', turnId: 'x'.repeat(201), text: 'hi' }, { type: 'turn', turnId: 'a', text: 'hi' }, null, 'text',
    ];
    for (const value of cases) assert.strictEqual(isTextDelta(value), parseHostMessage(value).ok && (value as { type: string }).type === 'text', JSON.stringify(value));
  });

  it('validates a stored chat and leaves optional fields absent', () => {
    assert.deepStrictEqual(chatSchema(JSON.parse(JSON.stringify(chat)), 'chat'), chat);
    const minimal = { id: 'c', title: '', turns: [], createdAt: 0, updatedAt: 0 };
    assert.deepStrictEqual(chatSchema(minimal, 'chat'), minimal);
    assert.ok(!('modelId' in chatSchema(minimal, 'chat')));
  });

  it('describes a seam as one sentence with both models and the reason', () => {
    assert.strictEqual(describeSeam(answer.seams[0]), 'gpt-4.1 dropped at 1,204 chars: connection reset → continued by claude');
    assert.strictEqual(describeSeam({ ...answer.seams[0], form: 'restart' }), 'gpt-4.1 dropped at 1,204 chars: connection reset → restarted by claude');
  });
});
