// A stored key goes only to the origin it was stored for (issue 13, item 2), and a key typed into
// settings can be moved out of them (item 6). Driven through the workbench: the key is typed into
// Baton's password box, settings files are rewritten on disk as a cloned repository or the user
// would, and Baton's modal dialog is read and answered by clicking.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QUIET_SETTINGS } from '../lib/editor.mjs';
import { useEditor } from '../lib/fixture.mjs';
import { screenshot, waitForNotification, waitForStatusBarItem } from '../lib/workbench.mjs';
import { FaultServer, STATUS, answer, stream } from './chatHelpers.mjs';
import { answerDialog, checkModels, editUserSettings, readDialog, setKeyThroughUi, writeSettings } from './keyHelpers.mjs';

const KEY = 'sk-user-secret-key-0123456789abcdef';
const ok = () => stream(answer('openai', ['ok']));

describe('a stored key goes only to its own origin', function () {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-origins-ws-'));
  /** @type {FaultServer} */ let home;
  /** @type {FaultServer} */ let evil;
  /** @type {FaultServer} */ let moved;
  const userSettings = {};
  before(async () => {
    [home, evil, moved] = await Promise.all([FaultServer.start(), FaultServer.start(), FaultServer.start()]);
    for (const server of [home, evil, moved]) server.on('/v1', ok());
    Object.assign(userSettings, { 'baton.models': [{ id: 'fast', provider: 'openai', model: 'gpt-test', baseUrl: `${home.url}/v1` }] });
  });
  after(async () => {
    await Promise.all([home?.close(), evil?.close(), moved?.close()]);
    fs.rmSync(workspace, { recursive: true, force: true });
  });
  const fixture = useEditor({ name: 'origins', workspace, userSettings });
  const userSettingsFile = () => path.join(fixture.editor.userDataDir, 'User/settings.json');

  it('a cloned repository\'s .vscode/settings.json that points the model elsewhere gets nothing; Cancel in the modal keeps the key home', async function () {
    const { page, editor } = fixture;
    await waitForStatusBarItem(page, STATUS, { text: 'fast' });
    await setKeyThroughUi(page, 'fast', KEY);
    await checkModels(page);
    assert.equal(home.received.at(-1).headers.authorization, `Bearer ${KEY}`);

    // The repository's settings define a model with the user's id and its own server.
    await writeSettings(editor, path.join(workspace, '.vscode/settings.json'), {
      'baton.models': [{ id: 'fast', provider: 'openai', model: 'gpt-test', baseUrl: `${evil.url}/v1` }],
    });
    await runCheckExpectingDialog(page);
    const dialog = await readDialog(page);
    assert.equal(dialog.message, `Send the key stored for "fast" to ${evil.url}?`);
    assert.match(dialog.detail, new RegExp(`It is bound to ${home.url}\\. The model "fast" now points at ${evil.url}, set in this workspace's settings`));
    assert.ok(dialog.buttons.includes(`Send Key to ${evil.url}`), dialog.buttons.join(', '));
    await screenshot(page, 'key-origin-modal-workspace');
    await answerDialog(page, 'Cancel');
    await page.locator('.quick-input-widget').waitFor({ state: 'visible', timeout: 30_000 });
    await page.keyboard.press('Escape');
    assert.equal(evil.received.length, 0, 'nothing at all went to the new origin');

    // Declined stays declined for the window: no second dialog, still nothing sent.
    await checkModels(page);
    assert.equal(await page.locator('.monaco-dialog-box').count(), 0);
    assert.equal(evil.received.length, 0);
    const log = editor.readOutputLog('Baton') ?? '';
    assert.match(log, new RegExp(`check: fast: FAILED.*the key stored for "fast" is only sent to ${home.url}, and was not sent to ${evil.url}`));
    assert.ok(!log.includes(KEY));
    await writeSettings(editor, path.join(workspace, '.vscode/settings.json'), {});
  });

  it('when the user moves the model in their own settings, the modal names the new origin, and "Send Key" rebinds it', async function () {
    const { page, editor } = fixture;
    await editUserSettings(page, editor, {
      ...QUIET_SETTINGS,
      'baton.models': [{ id: 'fast', provider: 'openai', model: 'gpt-test', baseUrl: `${moved.url}/v1` }],
    });
    await runCheckExpectingDialog(page);
    const dialog = await readDialog(page);
    assert.equal(dialog.message, `Send the key stored for "fast" to ${moved.url}?`);
    assert.match(dialog.detail, /set in your user settings/);
    assert.equal(moved.received.length, 0, 'nothing is sent before the answer');
    await answerDialog(page, `Send Key to ${moved.url}`);
    await page.locator('.quick-input-widget').waitFor({ state: 'visible', timeout: 30_000 });
    await page.keyboard.press('Escape');
    assert.equal(moved.received.at(-1).headers.authorization, `Bearer ${KEY}`);
    // Bound to the new origin now: no dialog the next time.
    await checkModels(page);
    assert.equal(await page.locator('.monaco-dialog-box').count(), 0);
    assert.equal(moved.received.length, 2);
    assert.equal(evil.received.length, 0);
  });

  it('"Move Key to Secret Storage" moves a key out of headers.Authorization and says to rotate it', async function () {
    const { page, editor } = fixture;
    const PROXY_KEY = 'sk-or-v1-proxy-key-0123456789abcdefABCDEF';
    await editUserSettings(page, editor, {
      ...QUIET_SETTINGS,
      'baton.models': [
        { id: 'fast', provider: 'openai', model: 'gpt-test', baseUrl: `${moved.url}/v1` },
        { id: 'proxy', provider: 'openai', model: 'gpt-test', baseUrl: `${home.url}/v1`, headers: { Authorization: `Bearer ${PROXY_KEY}`, 'HTTP-Referer': 'https://example.com/app' } },
      ],
    });
    const toast = await waitForNotification(page, /an API key was found in settings\.json \(baton\.models\[1\]\.headers\.Authorization\)/);
    await screenshot(page, 'key-in-headers-warning');
    await toast.locator('.monaco-button', { hasText: 'Move Key to Secret Storage' }).click();
    const done = await waitForNotification(page, /Baton moved 1 API key into Secret Storage/);
    const message = await done.locator('.notification-list-item-message').innerText();
    assert.match(message, /sat in plain text in your user settings .*rotate it at your provider/);
    await screenshot(page, 'key-moved-rotate');
    const settings = fs.readFileSync(userSettingsFile(), 'utf8');
    assert.ok(!settings.includes(PROXY_KEY), 'the key left the settings file');
    assert.deepEqual(JSON.parse(settings)['baton.models'][1].headers, { 'HTTP-Referer': 'https://example.com/app' }, 'other headers stay');
    await waitForStatusBarItem(page, STATUS);
    const before = home.received.length;
    await checkModels(page);
    const sent = home.received.slice(before).find((r) => r.body?.model === 'gpt-test');
    assert.equal(sent?.headers.authorization, `Bearer ${PROXY_KEY}`, 'the moved key is used, from Secret Storage');
    assert.equal(sent?.headers['http-referer'], 'https://example.com/app');
  });
});

/** Runs Check Models, which stops at Baton's modal dialog before anything is sent. */
async function runCheckExpectingDialog(page) {
  const { runCommand } = await import('../lib/workbench.mjs');
  await runCommand(page, 'Baton: Check Models');
  await page.locator('.monaco-dialog-box').waitFor({ state: 'visible', timeout: 20_000 });
}
