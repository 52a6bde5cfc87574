// Baton as the editor's language-model provider, used by another extension: the lm-client fixture
// (test/fixtures/lm-client-extension) is installed beside Baton and calls
// vscode.lm.selectChatModels({ vendor: 'baton' }) and sendRequest(...) against the fault server.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../lib/editor.mjs';
import { useEditor } from '../lib/fixture.mjs';
import { pickQuickItem, readStatusBar, runCommand, screenshot, waitForStatusBarItem } from '../lib/workbench.mjs';
import { FaultServer, STATUS, WIRES, chatSettings, continuer, failingAt, httpError, sleep, slowAnswer, stream, until } from './chatHelpers.mjs';
import { anthropicToolFrames, lmClientChannel, offeredTools, openaiToolFrames, packLmClient } from './lmHelpers.mjs';

/** Plain prose, so the answer can be compared byte for byte. */
const PROSE = Array.from({ length: 10 }, (_, i) =>
  `Paragraph ${i + 1}:\tthe router keeps answer ${i + 1} whole — 段落 ${i + 1} 保持完整 ✅, with nothing repeated.`).join('\n\n');

const READ_FILE = { name: 'read_file', description: 'Read a file of the workspace', inputSchema: { type: 'object', properties: { path: { type: 'string' }, startLine: { type: 'number' } }, required: ['path'] } };
const GREP = { name: 'grep', description: 'Search the workspace', inputSchema: { type: 'object', properties: { pattern: { type: 'string' } }, required: ['pattern'] } };

describe('language models: another extension uses Baton\'s models through vscode.lm', function () {
  let server;
  const channel = lmClientChannel();
  const userSettings = {};
  before(async function () {
    server = await FaultServer.start();
    chatSettings(userSettings, server.url);
    userSettings['baton.fallbackOnRefusal'] = true;
    userSettings['baton.models'].push(
      { id: 'nokey', label: 'No Key Yet', provider: 'openai', model: 'gpt-4.1-mini', baseUrl: `${server.url}/nokey/v1` },
      { id: 'doomed', provider: 'openai', model: 'm', baseUrl: `${server.url}/doomed/v1` },
    );
  });
  after(async () => {
    await server?.close();
    channel.dispose();
  });
  const fixture = useEditor({ userSettings, env: channel.env, extraVsix: () => [packLmClient()] });

  it('lists every configured model with a distinct name, its chain and token budget, without prompting', async function () {
    const { page } = fixture;
    await waitForStatusBarItem(page, STATUS);
    const result = await channel.run(page, { countTokens: 'Explain 价格相加 in two lines.' });
    assert.equal(result.error, null);
    assert.deepEqual(result.models.map((m) => [m.id, m.name, m.vendor, m.family]), [
      ['primary', 'primary', 'baton', 'm'],
      ['backup', 'backup', 'baton', 'm'],
      ['nokey', 'No Key Yet', 'baton', 'gpt-4.1-mini'],
      ['doomed', 'doomed', 'baton', 'm'],
    ]);
    assert.deepEqual(result.models.map((m) => m.maxInputTokens), [128_000 - 16_384, 200_000 - 4_096, 128_000 - 16_384, 128_000 - 16_384]);
    assert.equal(await page.locator('.quick-input-widget').isVisible(), false, 'listing models never asks anything');
  });

  it('a primary reset mid-answer: the caller gets the whole answer once, the status bar shows the backup, the log the handover', async function () {
    const { page } = fixture;
    const at = 431;
    server.on('/primary', failingAt('openai', PROSE, at, 'reset'));
    server.on('/backup', continuer('anthropic', PROSE, { delayMs: 2 }));
    const result = await channel.run(page, { model: 'primary', messages: [{ role: 'user', content: 'Explain the plan in ten paragraphs.' }], countTokens: '价格相加' });
    await screenshot(page, 'lm-client-handover');
    assert.equal(result.error, null, JSON.stringify(result.error));
    assert.equal(result.text, PROSE, 'the answer arrives whole, exactly once');
    assert.ok(result.parts.every((p) => p.type === 'text'), 'only text parts');
    assert.equal(result.tokenCount, 4, 'countTokens is the documented estimate: one per CJK character');
    const status = await readStatusBar(page, STATUS);
    assert.match(status.text, /backup: backup/);
    assert.equal(status.kind, 'warning');
    const log = await until(() => {
      const text = fixture.editor.readOutputLog('Baton');
      return text?.includes('continued by backup') && text;
    }, { message: 'the handover in Baton\'s log' });
    assert.match(log, /lm \(baton-test\.lm-client\): request to primary/);
    assert.match(log, new RegExp(`primary dropped at ${at} chars: connection failed .* continued by backup`));
    const sent = server.requests('/primary').at(-1).body;
    assert.deepEqual(sent.messages, [{ role: 'user', content: 'Explain the plan in ten paragraphs.' }]);
  });

  it('a refusal mid-answer with fallbackOnRefusal: the text already reported stands, a marker says the backup starts again, then its whole answer', async function () {
    const { page } = fixture;
    const wire = WIRES.openai;
    const refusal = "I'm sorry, but I can't help with that.";
    const filtered = `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: {}, finish_reason: 'content_filter' }] })}\n\n`;
    server.on('/primary', stream([...wire.head(), wire.delta(refusal), filtered, 'data: [DONE]\n\n'], { headers: { 'content-type': wire.contentType } }));
    server.on('/backup', continuer('anthropic', PROSE));
    const result = await channel.run(page, { model: 'primary', messages: [{ role: 'user', content: 'Explain the plan in ten paragraphs.' }] });
    assert.equal(result.error, null, JSON.stringify(result.error));
    // Reported text cannot be taken back; the caller reads where the answer starts over, and who gives it.
    assert.equal(result.text, `${refusal}\n\n---\n\n*primary stopped; backup starts the answer again:*\n\n${PROSE}`);
    const sent = server.requests('/backup').at(-1).body;
    assert.ok(!JSON.stringify(sent).includes(refusal), 'the backup never sees the refused reply');
  });

  it('cancelling through the token closes the upstream socket at once, and no backup is asked', async function () {
    const { page } = fixture;
    server.on('/primary', slowAnswer('openai', PROSE.repeat(4), { deltaSize: 4, delayMs: 20 }));
    server.on('/backup', continuer('anthropic', PROSE));
    const backupBefore = server.requests('/backup').length;
    const disconnected = new Promise((resolve) => server.waitForDisconnect().then(() => resolve(Date.now())));
    const result = await channel.run(page, { model: 'primary', messages: [{ role: 'user', content: 'Take your time.' }], cancelAfterChars: 80 });
    const closedAt = await Promise.race([disconnected, sleep(5_000).then(() => undefined)]);
    assert.ok(closedAt, 'the server saw the client go away');
    assert.ok(result.cancelledAt, 'the fixture cancelled');
    const lag = closedAt - result.cancelledAt;
    assert.ok(lag < 1_000, `the socket closed ${lag} ms after the cancellation`);
    assert.ok(result.text.length < 400, `the stream stopped soon after the cancellation (${result.text.length} chars of ${PROSE.length * 4})`);
    assert.ok(PROSE.repeat(4).startsWith(result.text), 'what arrived is a prefix of the answer');
    await sleep(1_000);
    assert.equal(server.requests('/backup').length, backupBefore, 'a cancelled request is not handed to a backup');
  });

  // Needs issue 14 (tool calls in the core): until providers send tools and parse tool calls, the
  // tool-call tests below fail on this branch.
  it('tool calls arrive as LanguageModelToolCallPart, once each, after the text; the tools reach the wire', async function () {
    const { page } = fixture;
    const calls = [
      { id: 'call_a1', name: 'read_file', input: { path: 'src/cart.ts', startLine: 1 } },
      { id: 'call_b2', name: 'grep', input: { pattern: 'total\\(' } },
    ];
    const { frames, tail } = openaiToolFrames('Let me look at both.', calls);
    server.on('/primary', stream([...frames, ...tail], { headers: { 'content-type': 'text/event-stream' }, delayMs: 3 }));
    const result = await channel.run(page, { model: 'primary', messages: [{ role: 'user', content: 'What does total() do?' }], tools: [READ_FILE, GREP] });
    assert.equal(result.error, null, JSON.stringify(result.error));
    assert.deepEqual(result.parts, [
      { type: 'text', value: 'Let me look at both.' },
      { type: 'tool-call', callId: 'call_a1', name: 'read_file', input: { path: 'src/cart.ts', startLine: 1 } },
      { type: 'tool-call', callId: 'call_b2', name: 'grep', input: { pattern: 'total\\(' } },
    ]);
    assert.deepEqual(offeredTools(server.requests('/primary').at(-1).body), ['read_file', 'grep']);
  });

  it('tool results go back to the model paired with their calls', async function () {
    const { page } = fixture;
    const { frames, tail } = openaiToolFrames('total() adds price × qty of every item.', []);
    server.on('/primary', stream([...frames, ...tail], { headers: { 'content-type': 'text/event-stream' } }));
    const result = await channel.run(page, {
      model: 'primary', tools: [READ_FILE],
      messages: [
        { role: 'user', content: 'What does total() do?' },
        { role: 'assistant', content: [{ text: 'Reading it.' }, { toolCall: { callId: 'call_a1', name: 'read_file', input: { path: 'src/cart.ts' } } }] },
        { role: 'user', content: [{ toolResult: { callId: 'call_a1', text: 'function total(cart) {\n\treturn cart.items.reduce((a, i) => a + i.price * i.qty, 0);\n}\n' } }] },
      ],
    });
    assert.equal(result.error, null, JSON.stringify(result.error));
    assert.equal(result.text, 'total() adds price × qty of every item.');
    const sent = server.requests('/primary').at(-1).body.messages;
    const assistant = sent.find((m) => m.role === 'assistant');
    assert.equal(assistant.tool_calls?.[0]?.id, 'call_a1', JSON.stringify(sent));
    const tool = sent.find((m) => m.role === 'tool');
    assert.equal(tool?.tool_call_id, 'call_a1', JSON.stringify(sent));
    assert.equal(tool.content, 'function total(cart) {\n\treturn cart.items.reduce((a, i) => a + i.price * i.qty, 0);\n}\n');
  });

  it('a primary reset in the middle of a tool call\'s arguments: the backup makes the call, and it arrives once', async function () {
    const { page } = fixture;
    const { frames } = openaiToolFrames('Let me look.', [{ id: 'call_p1', name: 'read_file', input: { path: 'src/cart.ts', startLine: 120 } }]);
    server.on('/primary', stream(frames.slice(0, -2), { headers: { 'content-type': 'text/event-stream' }, then: 'reset' }));
    server.on('/backup', stream(anthropicToolFrames('', { id: 'toolu_b1', name: 'read_file', input: { path: 'src/cart.ts', startLine: 120 } }), { headers: { 'content-type': 'text/event-stream' } }));
    const result = await channel.run(page, { model: 'primary', messages: [{ role: 'user', content: 'Read the cart.' }], tools: [READ_FILE] });
    assert.equal(result.error, null, JSON.stringify(result.error));
    assert.deepEqual(result.parts, [
      { type: 'text', value: 'Let me look.' },
      { type: 'tool-call', callId: 'toolu_b1', name: 'read_file', input: { path: 'src/cart.ts', startLine: 120 } },
    ]);
    assert.deepEqual(offeredTools(server.requests('/backup').at(-1).body), ['read_file'], 'the backup is offered the same tools');
  });

  it('a model without its key gives a LanguageModelError that names the model and the fix', async function () {
    const { page } = fixture;
    server.on('/nokey', httpError(401, JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'test/fixtures/errors/openai-401-invalid-api-key.json'), 'utf8'))));
    const result = await channel.run(page, { model: 'nokey', messages: [{ role: 'user', content: 'Hello?' }] });
    assert.ok(result.error, 'the request failed');
    assert.equal(result.error.isLanguageModelError, true, JSON.stringify(result.error));
    assert.equal(result.error.name, 'LanguageModelError');
    assert.equal(result.error.code, 'Unknown');
    assert.match(result.error.message, /^Baton model "nokey" could not answer\. /);
    assert.match(result.error.message, /Set the API key for "nokey" with "Baton: Manage Models" \(or "Baton: Set API Key"\)\.$/);
    assert.equal(result.error.cause?.code, 'auth');
    assert.equal(result.text, '');
  });

  it('a model removed with Manage Models: the caller\'s old model object gives a LanguageModelError NotFound that names it', async function () {
    const { page } = fixture;
    const result = await channel.run(page, { model: 'doomed', stale: true, messages: [{ role: 'user', content: 'Still there?' }] }, {
      whileRunning: async (id) => {
        await channel.waitForReady(id);
        await runCommand(page, 'Baton: Manage Models');
        await pickQuickItem(page, 'doomed');
        await pickQuickItem(page, /Remove…/);
        await page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Remove$/ }).click();
      },
    });
    assert.deepEqual(result.modelsAfterChange.map((m) => m.id), ['primary', 'backup', 'nokey'], 'the list refreshed without the removed model');
    assert.ok(result.error, 'the request failed');
    assert.equal(result.error.isLanguageModelError, true, JSON.stringify(result.error));
    assert.equal(result.error.code, 'NotFound');
    assert.match(result.error.message, /doomed/);
    assert.equal(server.requests('/doomed').length, 0, 'nothing was sent for a model that is gone');
    const saved = JSON.parse(fs.readFileSync(path.join(fixture.editor.userDataDir, 'User/settings.json'), 'utf8'));
    assert.deepEqual(saved['baton.models'].map((m) => m.id), ['primary', 'backup', 'nokey'], 'Remove took it out of the user settings file');
  });
});
