// Baton's palette commands and status bar, driven as a person would in a real editor.
import assert from 'node:assert/strict';
import { FaultServer } from '../../../out/test/support/faultServer.js';
import { httpError, stream } from '../../../out/test/support/scripts.js';
import { answer } from '../../../out/test/support/wire.js';
import { useEditor } from '../lib/fixture.mjs';
import {
  pickQuickItem, readStatusBar, runCommand, screenshot, statusBarItemId, submitInputBox, visibleOutputChannel,
  waitForNotification, waitForOutputChannel, waitForQuickInput, waitForStatusBarItem,
} from '../lib/workbench.mjs';

const STATUS = statusBarItemId('baton.status');
const KEY = 'sk-ui-suite-key-0123456789abcdef';

/** Stores KEY for model "primary" through Set API Key, as a person would. */
async function setPrimaryKey(page) {
  await runCommand(page, 'Baton: Set API Key');
  await pickQuickItem(page, 'primary');
  await submitInputBox(page, KEY, { password: true });
  await waitForNotification(page, 'key for model "primary" saved');
}

/** Runs Check Models and closes its result; returns the result's title. */
async function checkModels(page) {
  await runCommand(page, 'Baton: Check Models');
  const result = await waitForQuickInput(page, { timeout: 20_000 });
  await page.keyboard.press('Escape');
  return result.title;
}

describe('palette commands and the status bar', function () {
  /** @type {FaultServer} */
  let s;
  let url;
  // Registered before useEditor(), so the server is up when the editor's settings are written.
  before(async () => {
    s = await FaultServer.start();
    url = s.url;
  });
  after(() => s.close());
  const fixture = useEditor({
    name: 'commands',
    get userSettings() {
      return {
        'baton.models': [
          { id: 'primary', provider: 'openai', model: 'gpt-test', baseUrl: `${url}/primary/v1` },
          { id: 'backup', provider: 'anthropic', model: 'claude-test', baseUrl: `${url}/backup/v1` },
        ],
        'baton.fallbacks': { primary: ['backup'] },
        'baton.defaultModel': 'primary',
      };
    },
  });

  it('the status bar names the default model when idle', async function () {
    const { page } = fixture;
    await waitForStatusBarItem(page, STATUS, { text: 'primary' });
    const status = await readStatusBar(page, STATUS);
    assert.equal(status.text, 'primary');
    assert.equal(status.kind, 'standard');
    await screenshot(page, 'status-idle');
  });

  it('Set API Key: pick a model, type the key into a password box', async function () {
    const { page } = fixture;
    await runCommand(page, 'Baton: Set API Key');
    const picker = await waitForQuickInput(page);
    assert.equal(picker.title, 'Baton: Set API Key');
    assert.ok(picker.items.includes('primary') && picker.items.includes('anthropic'), picker.items.join(', '));
    await pickQuickItem(page, 'primary');
    // The picker closes and the input box opens in its place: wait for the box itself.
    await page.locator('.quick-input-widget .quick-input-box input[type="password"]').waitFor({ timeout: 15_000 });
    const box = await waitForQuickInput(page);
    assert.equal(box.password, true, 'the key is typed into a password box');
    assert.match(box.title, /API key for model "primary"/);
    await screenshot(page, 'set-api-key');
    await submitInputBox(page, KEY, { password: true });
    await waitForNotification(page, 'key for model "primary" saved');
  });

  it('Check Models uses the stored key and shows a result at a glance', async function () {
    const { page } = fixture;
    s.on('/primary/v1', stream(answer('openai', ['ok'])));
    s.on('/backup/v1', httpError(401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }));
    await setPrimaryKey(page);
    const before = s.requests('/primary').length;
    await runCommand(page, 'Baton: Check Models');
    const result = await waitForQuickInput(page, { timeout: 20_000 });
    assert.equal(result.title, 'Baton: 1 of 2 models answered');
    assert.ok(result.items.includes('primary') && result.items.includes('backup'), result.items.join(', '));
    await screenshot(page, 'check-models');
    await page.keyboard.press('Escape');
    assert.equal(s.requests('/primary')[before].headers.authorization, `Bearer ${KEY}`);
  });

  it('Select Model changes the default, and the status bar follows', async function () {
    const { page } = fixture;
    await runCommand(page, 'Baton: Select Model');
    await pickQuickItem(page, 'backup');
    await waitForStatusBarItem(page, STATUS, { text: 'backup' });
    await runCommand(page, 'Baton: Select Model');
    await pickQuickItem(page, 'primary');
    await waitForStatusBarItem(page, STATUS, { text: 'primary' });
  });

  it('Show Log opens the Baton log, which never holds the key', async function () {
    const { page, editor } = fixture;
    s.on('/primary/v1', stream(answer('openai', ['ok'])));
    s.on('/backup/v1', httpError(401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }));
    await setPrimaryKey(page);
    await checkModels(page);
    await runCommand(page, 'Baton: Show Log');
    await waitForOutputChannel(page, 'Baton');
    assert.equal(await visibleOutputChannel(page), 'Baton');
    const log = editor.readOutputLog('Baton') ?? '';
    assert.match(log, /check: primary: ok/);
    assert.match(log, /check: backup: FAILED/);
    assert.ok(!log.includes(KEY), 'the key is in the log');
    await screenshot(page, 'show-log');
  });

  it('Show Recent Handovers says when there are none', async function () {
    const { page } = fixture;
    await runCommand(page, 'Baton: Show Recent Handovers');
    const picker = await waitForQuickInput(page);
    assert.match(picker.title, /no handovers yet/);
    await page.keyboard.press('Escape');
  });

  it('Clear API Key removes it', async function () {
    const { page } = fixture;
    s.on('/primary/v1', stream(answer('openai', ['ok'])));
    await setPrimaryKey(page);
    await runCommand(page, 'Baton: Clear API Key');
    await pickQuickItem(page, 'primary');
    await waitForNotification(page, 'key for model "primary" cleared');
    const before = s.requests('/primary').length;
    await checkModels(page);
    assert.equal(s.requests('/primary')[before].headers.authorization, undefined);
  });
});
