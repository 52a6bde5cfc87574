// "Baton: Manage Models", driven as a person would: from the chat panel's empty state, through
// quick picks, input boxes and the password box, to a checked model that answers in Baton's chat.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useEditor } from '../lib/fixture.mjs';
import { pickQuickItem, runCommand, screenshot, submitInputBox, waitForNotification, waitForQuickInput, waitForStatusBarItem } from '../lib/workbench.mjs';
import { FaultServer, STATUS, answer, ask, deltas, httpError, openChat, stream, waitForAnswer } from './chatHelpers.mjs';

const SSE = { headers: { 'content-type': 'text/event-stream' } };

/** The model's server: answers only when the request carries `key` the way the protocol sends it. */
function keyed(protocol, key, text) {
  const ok = stream(answer(protocol, deltas(text, 4)), SSE);
  const refused = protocol === 'anthropic'
    ? httpError(401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } })
    : httpError(401, { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' } });
  return (req, res) => {
    const sent = protocol === 'anthropic' ? req.headers['x-api-key'] : req.headers.authorization?.replace(/^Bearer /, '');
    return (sent === key ? ok : refused)(req, res);
  };
}

const readUserSettings = (editor) => JSON.parse(fs.readFileSync(path.join(editor.userDataDir, 'User/settings.json'), 'utf8'));

/** The value the visible input box was prefilled with. */
const inputValue = (page) => page.locator('.quick-input-widget .quick-input-box input').inputValue();

/** Waits until the quick input shows the box titled `title` (each step of the form has its own), and returns what it shows. */
async function atStep(page, title) {
  await page.waitForFunction((expected) => document.querySelector('.quick-input-widget .quick-input-title')?.textContent?.trim() === expected, title, { timeout: 20_000 });
  return waitForQuickInput(page);
}

describe('manage models: the first model, from the chat panel\'s empty state', function () {
  let server;
  before(async () => { server = await FaultServer.start(); });
  after(async () => server?.close());
  const fixture = useEditor();

  it('adds an OpenAI-compatible model with its key, checks it before saving, and Baton\'s chat answers with it', async function () {
    this.timeout(120_000);
    const { page, editor } = fixture;
    const key = 'sk-compat-7f3a9c1e5b2d';
    server.on('/compat', keyed('openai', key, 'ok, Baton here — 你好 👋'));
    const frame = await openChat(page);
    const button = frame.locator('.welcome-setup button', { hasText: 'Manage Models' });
    await button.waitFor();
    await screenshot(page, 'manage-models-empty-state');
    await button.click();

    const step = (n) => atStep(page, `Baton: Add Model (${n}/6)`);
    await step(1);
    await pickQuickItem(page, 'OpenAI-compatible server');
    await step(2);
    await submitInputBox(page, 'qwen2.5-coder:7b');
    const urlBox = await step(3);
    assert.match(urlBox.prompt, /Default for OpenAI-compatible server: http:\/\/127\.0\.0\.1:8000\/v1/);
    assert.equal(await inputValue(page), 'http://127.0.0.1:8000/v1', 'the base URL comes prefilled');
    await submitInputBox(page, `${server.url}/compat/v1`);
    await step(4);
    assert.equal(await inputValue(page), 'qwen2.5-coder-7b', 'an id is suggested from the model name');
    await submitInputBox(page, 'compat');
    const keyBox = await step(5);
    assert.ok(keyBox.password, 'the key goes into a password box');
    await submitInputBox(page, key, { password: true });
    await step(6);
    await pickQuickItem(page, 'User settings');

    await waitForNotification(page, /Baton: saved compat to User settings, answered the check in \d+ ms\./);
    await screenshot(page, 'manage-models-saved');
    const probe = server.requests('/compat').at(-1);
    assert.equal(probe.headers.authorization, `Bearer ${key}`, 'the check used the key just typed');
    const saved = readUserSettings(editor);
    assert.deepEqual(saved['baton.models'], [{ id: 'compat', provider: 'openai', model: 'qwen2.5-coder:7b', baseUrl: `${server.url}/compat/v1` }]);
    assert.ok(!fs.readFileSync(path.join(editor.userDataDir, 'User/settings.json'), 'utf8').includes(key), 'the key never reaches settings.json');

    await frame.locator('.welcome-tips').waitFor({ timeout: 10_000 });
    const before = server.requests('/compat').length;
    await ask(frame, 'Hello?');
    const answerEl = await waitForAnswer(frame);
    assert.deepEqual(await answerEl.locator('.markdown p').allTextContents(), ['ok, Baton here — 你好 👋'], 'the answer, rendered as one paragraph');
    const chat = server.requests('/compat').slice(before);
    assert.equal(chat.length, 1);
    assert.equal(chat[0].headers.authorization, `Bearer ${key}`, 'the chat uses the stored key');
    assert.equal(chat[0].body.model, 'qwen2.5-coder:7b');
  });
});

describe('manage models: with a model configured', function () {
  let server;
  const userSettings = {};
  before(async () => {
    server = await FaultServer.start();
    userSettings['baton.models'] = [{ id: 'first', provider: 'openai', model: 'gpt-4.1-mini', baseUrl: `${server.url}/first/v1` }];
  });
  after(async () => server?.close());
  const fixture = useEditor({ userSettings });

  it('a refused key is shown before anything is saved; Edit Again keeps the answers; the fallback is saved with it', async function () {
    this.timeout(120_000);
    const { page, editor } = fixture;
    const right = 'sk-ant-right-4c1d';
    server.on('/second', keyed('anthropic', right, 'ok'));
    await waitForStatusBarItem(page, STATUS);
    await runCommand(page, 'Baton: Manage Models');
    await atStep(page, 'Baton: Manage Models');
    await pickQuickItem(page, /Add Model…/);
    const step = (n) => atStep(page, `Baton: Add Model (${n}/7)`);
    await step(1);
    await pickQuickItem(page, 'Anthropic');
    await step(2);
    await submitInputBox(page, 'claude-sonnet-4-5');
    await step(3);
    await submitInputBox(page, `${server.url}/second/v1`);
    await step(4);
    await submitInputBox(page, 'second');
    await step(5);
    await submitInputBox(page, 'sk-ant-wrong-0000', { password: true });
    await step(6);
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'first' }).locator('input[type="checkbox"], .monaco-checkbox').first().click();
    await page.locator('.quick-input-widget .quick-input-box input').press('Enter');
    await step(7);
    await pickQuickItem(page, 'User settings');

    let box = await atStep(page, 'Baton: second did not answer the check');
    assert.match(box.placeholder, /^auth: .*invalid x-api-key/);
    assert.deepEqual(readUserSettings(editor)['baton.models'].map((m) => m.id), ['first'], 'nothing is saved before the user decides');
    await screenshot(page, 'manage-models-check-failed');
    await pickQuickItem(page, /Edit Again/);

    // The form comes back with every answer kept: the provider first, the values prefilled.
    box = await step(1);
    assert.equal(box.items[0], 'Anthropic', 'the provider chosen before comes first');
    await pickQuickItem(page, 'Anthropic');
    await step(2);
    assert.equal(await inputValue(page), 'claude-sonnet-4-5');
    await submitInputBox(page, 'claude-sonnet-4-5');
    await step(3);
    assert.equal(await inputValue(page), `${server.url}/second/v1`);
    await submitInputBox(page, `${server.url}/second/v1`);
    await step(4);
    assert.equal(await inputValue(page), 'second');
    await submitInputBox(page, 'second');
    await step(5);
    await submitInputBox(page, right, { password: true });
    box = await step(6);
    await page.locator('.quick-input-widget .quick-input-box input').press('Enter');
    await step(7);
    await pickQuickItem(page, 'User settings');

    await waitForNotification(page, /Baton: saved second to User settings, answered the check in \d+ ms\./);
    const saved = readUserSettings(editor);
    assert.deepEqual(saved['baton.models'].map((m) => [m.id, m.provider, m.model]), [['first', 'openai', 'gpt-4.1-mini'], ['second', 'anthropic', 'claude-sonnet-4-5']]);
    assert.deepEqual(saved['baton.fallbacks'], { second: ['first'] });
    assert.deepEqual(server.requests('/second').map((r) => r.headers['x-api-key']), ['sk-ant-wrong-0000', right]);
  });
  it('Set Key, then Edit: the model name and base URL change in place, and an empty key box keeps the stored key', async function () {
    this.timeout(120_000);
    const { page, editor } = fixture;
    const key = 'sk-first-9e2b';
    server.on('/first-new', keyed('openai', key, 'ok'));
    await waitForStatusBarItem(page, STATUS);
    await runCommand(page, 'Baton: Manage Models');
    await atStep(page, 'Baton: Manage Models');
    await pickQuickItem(page, 'first');
    await pickQuickItem(page, /Set Key…/);
    await submitInputBox(page, key, { password: true });
    await waitForNotification(page, /key for model "first" saved/);

    await runCommand(page, 'Baton: Manage Models');
    await atStep(page, 'Baton: Manage Models');
    await pickQuickItem(page, 'first');
    await pickQuickItem(page, /Edit…/);
    const first = await waitForQuickInput(page);
    const total = Number(/^Baton: Edit first \(1\/(\d)\)$/.exec(first.title)?.[1]);
    assert.ok(total >= 4, first.title);
    const step = (n) => atStep(page, `Baton: Edit first (${n}/${total})`);
    assert.equal(first.items[0], 'OpenAI-compatible server', 'the current provider (OpenAI\'s protocol at another server) comes first');
    await pickQuickItem(page, 'OpenAI-compatible server');
    await step(2);
    assert.equal(await inputValue(page), 'gpt-4.1-mini');
    await submitInputBox(page, 'gpt-4.1');
    await step(3);
    assert.equal(await inputValue(page), `${server.url}/first/v1`, 'the current base URL is prefilled');
    await submitInputBox(page, `${server.url}/first-new/v1`);
    const keyBox = await step(4);
    assert.match(keyBox.prompt, /Leave empty to keep the stored key\./);
    await submitInputBox(page, '', { password: true });
    for (let n = 5; n <= total; n++) {
      await step(n);
      await page.locator('.quick-input-widget .quick-input-box input').press('Enter');
    }

    await waitForNotification(page, /Baton: saved first to User settings, answered the check in \d+ ms\./);
    assert.equal(server.requests('/first-new').at(-1).headers.authorization, `Bearer ${key}`, 'the check used the stored key');
    const saved = readUserSettings(editor)['baton.models'].find((m) => m.id === 'first');
    assert.deepEqual(saved, { id: 'first', provider: 'openai', model: 'gpt-4.1', baseUrl: `${server.url}/first-new/v1` });
    assert.equal(readUserSettings(editor)['baton.models'][0].id, 'first', 'edited in place, not moved');
  });
});
