import * as assert from 'node:assert/strict';
import type { Attachment, Chat, Turn } from '../../src/core/protocol/chat';
import { buildRequest, DEFAULT_CONTEXT_TOKENS, estimateTokens, SYSTEM_PROMPT } from '../../src/vscode/chat/prompt';

// The chat's request stays within the model's context window (issue 13, item 13): earlier
// attachments are not re-sent on every turn once they no longer fit.

const file = (path: string, text: string): Attachment => ({ kind: 'file', path, language: 'typescript', text });
/** Realistic, repetitive source: 100k characters of it. */
const BIG = Array.from({ length: 2500 }, (_, i) => `export const value${i} = compute(${i}, '\t✓ 値');`).join('\n').slice(0, 100_000);
let n = 0;
const q = (text: string, attachments: Attachment[] = []): Turn => ({ role: 'user', id: `q${++n}`, text, attachments, at: n });
const a = (text: string): Turn => ({ role: 'assistant', id: `a${++n}`, text, status: 'done', model: 'm', requested: 'm', seams: [], notes: [], at: n });
const chat = (...turns: Turn[]): Chat => ({ id: 'c', title: 't', turns, createdAt: 0, updatedAt: 0 });
const size = (messages: { content: string }[]) => messages.reduce((sum, m) => sum + estimateTokens(m.content), 0) + estimateTokens(SYSTEM_PROMPT);

describe('chat request budget', () => {
  it('sends an earlier 100k attachment again while the window has room for it, byte for byte', () => {
    const request = buildRequest(chat(q('Explain', [file('src/big.ts', BIG)]), a('It defines values.'), q('And value7?')), 'm', { contextWindow: 200_000 });
    assert.equal(request.messages.length, 3);
    assert.ok(request.messages[0].content.includes(`\n${BIG}\n`), 'the whole file, exactly');
    assert.equal(request.messages[2].content, 'And value7?');
  });

  it('leaves an earlier attachment out once it no longer fits, and says so in its place', () => {
    const request = buildRequest(chat(q('Explain', [file('src/big.ts', BIG)]), a('It defines values.'), q('And value7?')), 'm', { contextWindow: 8_000, maxTokens: 1_000 });
    assert.equal(request.messages.length, 3);
    assert.ok(!request.messages[0].content.includes('value1000'), 'the file is not sent again');
    assert.equal(request.messages[0].content, '[File `src/big.ts` (100,000 characters) was attached here; it is left out now to fit the context window.]\n\nExplain');
    assert.equal(request.messages[1].content, 'It defines values.');
    assert.ok(size(request.messages) <= 8_000 - 1_000, 'within the window, with room for the answer');
  });

  it('sends a file attached again only once, at its last place', () => {
    const request = buildRequest(chat(q('Look', [file('src/big.ts', BIG)]), a('Looked.'), q('Again', [file('src/big.ts', BIG)])), 'm', { contextWindow: 200_000 });
    assert.equal(request.messages[0].content, '[File `src/big.ts` was attached here; it is attached again further down.]\n\nLook');
    assert.equal(request.messages[2].content.split(BIG).length, 2, 'one copy, in the last question');
  });

  it('without a configured window, stays within the default, dropping the oldest turns first', () => {
    const turns: Turn[] = [];
    for (let i = 0; i < 12; i++) turns.push(q(`Question ${i}`, [file(`src/f${i}.ts`, BIG)]), a(`Answer ${i}: ${'detail '.repeat(200)}`));
    turns.push(q('Last question'));
    const request = buildRequest(chat(...turns), 'm');
    assert.ok(size(request.messages) <= DEFAULT_CONTEXT_TOKENS, `${size(request.messages)} tokens`);
    assert.equal(request.messages.at(-1)!.content, 'Last question');
    assert.equal(request.messages.at(-2)!.content, `Answer 11: ${'detail '.repeat(200)}`, 'the newest exchange is kept');
    const roles = request.messages.map((m) => m.role).join(',');
    assert.match(roles, /^(user,assistant,)*user$/, 'turns alternate');
  });

  it('the last question always goes whole, whatever it costs', () => {
    const request = buildRequest(chat(q('Explain', [file('src/big.ts', BIG)])), 'm', { contextWindow: 1_000 });
    assert.ok(request.messages[0].content.includes(BIG));
  });
});
