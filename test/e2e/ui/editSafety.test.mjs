// Inline edits that never corrupt a file, driven through the workbench (issue 13, items 7-10):
// saves during a pending edit, Escape when something else in the editor wants it, typing inside
// a streaming edit, and a reload of the window in the middle of one. The file is watched on disk
// the whole time and compared byte for byte.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useEditor } from '../lib/fixture.mjs';
import {
  openWorkbench, pickQuickItem, runCommand, screenshot, statusBarItemId, waitForNotification, waitForStatusBarItem,
} from '../lib/workbench.mjs';
import { lens, openFile, replyScript, selectLines, startEdit, visibleDiff, waitForPendingEdit, writeWorkspace } from './editHelpers.mjs';
import { packageFixtureExtension, removeFixture } from './fixtureExtensions.mjs';
import { readDialog, answerDialog } from './keyHelpers.mjs';
import cartEdit from '../../../out/test/support/cartEdit.js';
import faultServerModule from '../../../out/test/support/faultServer.js';
import scripts from '../../../out/test/support/scripts.js';
import wire from '../../../out/test/support/wire.js';

const { ORIGINAL, EXPECTED, REPLY } = cartEdit;
const STATUS = statusBarItemId('baton.status');
const EDITOR = '.editor-group-container.active .monaco-editor';

const server = await faultServerModule.FaultServer.start();
const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-safety-ws-'));
// autosave.txt is plain text: no language server competes with the save for the extension host.
const names = ['saves.js', 'unformatted.js', 'escape.js', 'typing.js', 'reload.js', 'autosave.txt', 'killed.js', 'vim.js'];
const files = writeWorkspace(workspace, Object.fromEntries(names.map((name) => [name, ORIGINAL])));

/** Reads `file` every few milliseconds and keeps every distinct content it had, and how often it was written. */
function watchDisk(file) {
  const seen = new Set([fs.readFileSync(file, 'utf8')]);
  let writes = 0;
  let mtime = fs.statSync(file).mtimeMs;
  const timer = setInterval(() => {
    try {
      const stat = fs.statSync(file);
      if (stat.mtimeMs !== mtime) {
        mtime = stat.mtimeMs;
        writes++;
      }
      const text = fs.readFileSync(file, 'utf8');
      // A read in the middle of a write sees the start of the file only.
      const partial = [ORIGINAL, EXPECTED].some((whole) => whole !== text && whole.startsWith(text));
      if (!partial) seen.add(text);
    } catch { /* mid-write */ }
  }, 5);
  return { seen, get writes() { return writes; }, stop: () => clearInterval(timer) };
}

/**
 * The reply in the OpenAI wire format: quick up to `slowFrom`, then one frame every `slowMs`, so
 * the person has time to act while it still streams.
 */
function slowTail(text, slowFrom, slowMs) {
  const frames = wire.answer('openai', wire.deltas(text, 5));
  const fastCount = wire.deltas(text.slice(0, slowFrom), 5).length + 1;
  return async (_req, res) => {
    res.writeHead(200, { 'content-type': wire.WIRES.openai.contentType });
    res.flushHeaders();
    for (const [i, frame] of frames.entries()) {
      if (res.destroyed) return;
      res.write(frame);
      await new Promise((resolve) => setTimeout(resolve, i < fastCount ? 30 : slowMs));
    }
    res.end();
  };
}

/** The pid of the editor's extension host (a process of code-server's process group), as `kill -9` would find it. */
function extensionHostPid(groupId) {
  for (const proc of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(proc)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${proc}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) !== groupId) continue;
      const cmdline = fs.readFileSync(`/proc/${proc}/cmdline`, 'utf8');
      if (/extensionHost/.test(cmdline)) return Number(proc);
    } catch { /* gone */ }
  }
  return undefined;
}

/** Every test starts with no notification on screen: a toast takes the first Escape for itself. */
async function clearNotifications(page) {
  await runCommand(page, 'Notifications: Clear All Notifications');
  await page.locator('.notification-toast-container .notification-list-item').first().waitFor({ state: 'detached', timeout: 5000 }).catch(() => undefined);
}

async function waitFor(predicate, what, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Polls the editor's lines until `predicate` holds; the last lines seen go into the error. */
async function untilLines(page, predicate, what, timeout = 5000) {
  const deadline = Date.now() + timeout;
  let lines = await editorLines(page);
  while (!predicate(lines)) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; the editor shows:\n${lines.join('\n')}`);
    await page.waitForTimeout(100);
    lines = await editorLines(page);
  }
}

/** The text of the active editor's lines in view, top to bottom. */
async function editorLines(page) {
  return (await visibleDiff(page)).map((line) => line.text);
}

const models = {
  'baton.models': [{ id: 'gpt-4.1', provider: 'openai', model: 'gpt-4.1', baseUrl: `${server.url}/primary/v1` }],
  'baton.timeouts': { firstTokenMs: 5000, idleMs: 4000, totalMs: 60000 },
  'baton.retry': { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 },
  'editor.minimap.enabled': false,
};

after(async () => {
  await server.close();
  fs.rmSync(workspace, { recursive: true, force: true });
});

describe('inline edits never leave a half-written file', function () {
  const fixture = useEditor({ name: 'edit-safety', workspace, userSettings: { ...models, 'files.autoSave': 'off' } });

  it('Ctrl+S and Save All during a pending edit write the original, and the diff stays; after Accept, the new code; never a mix', async function () {
    const { page } = fixture;
    await waitForStatusBarItem(page, STATUS, { text: 'gpt-4.1' });
    await clearNotifications(page);
    await waitForStatusBarItem(page, STATUS, { text: 'gpt-4.1' });
    const disk = watchDisk(files['saves.js']);
    try {
      server.on('/primary', replyScript(wire, scripts, REPLY, 40));
      await openFile(page, 'saves.js');
      await selectLines(page, 2, 8);
      await startEdit(page, 'Use reduce instead of the loop');
      await waitForPendingEdit(page);
      await page.keyboard.press('Control+S');
      await waitFor(() => disk.writes >= 1, 'the save');
      // The save shows the original for a moment; the pending diff comes back once it is written.
      await page.locator('.tab.active.dirty').waitFor();
      const diffShown = (lines) => lines.includes('  let sum = 0;') && lines.includes('  return items.reduce((sum, item) => sum + item.price, 0);');
      await untilLines(page, diffShown, 'the pending diff back on screen after the save');
      await screenshot(page, 'edit-pending-after-save');
      await runCommand(page, 'File: Save All Files');
      await waitFor(() => disk.writes >= 2, 'Save All');
      await page.locator(`${EDITOR} .view-lines`).first().click();
      await page.keyboard.press('Control+Enter');
      await lens(page, 'Accept').waitFor({ state: 'detached' });
      await page.keyboard.press('Control+S');
      await waitFor(() => disk.seen.has(EXPECTED), 'the accepted code on disk');
    } finally {
      disk.stop();
    }
    assert.deepEqual([...disk.seen].filter((text) => text !== ORIGINAL && text !== EXPECTED), [], 'the file on disk held old and new lines mixed');
  });

  it('Save without Formatting skips Baton: the half-applied file it writes is put back to the original at once, and the edit set aside', async function () {
    const { page } = fixture;
    await waitForStatusBarItem(page, STATUS, { text: 'gpt-4.1' });
    await clearNotifications(page);
    server.on('/primary', replyScript(wire, scripts, REPLY));
    await openFile(page, 'unformatted.js');
    await selectLines(page, 2, 8);
    await startEdit(page, 'Use reduce instead of the loop');
    await waitForPendingEdit(page);
    await runCommand(page, 'File: Save without Formatting');
    await waitForNotification(page, /saved without the save steps that keep a pending edit out of it/);
    await waitFor(() => fs.readFileSync(files['unformatted.js'], 'utf8') === ORIGINAL, 'the original back on disk', 5000);
    await lens(page, 'Accept').waitFor({ state: 'detached' });
    await page.locator(`${EDITOR} .view-line`, { hasText: 'let sum = 0;' }).first().waitFor();
    assert.ok(!(await editorLines(page)).some((line) => line.includes('items.reduce')), 'the editor shows the original too');
  });

  it('Escape closes the Find widget, collapses extra cursors and selections and leaves snippet mode before it ever rejects; Show Rejected Edit brings the edit back', async function () {
    this.timeout(120_000);
    const { page } = fixture;
    await waitForStatusBarItem(page, STATUS, { text: 'gpt-4.1' });
    await clearNotifications(page);
    server.on('/primary', replyScript(wire, scripts, REPLY));
    await openFile(page, 'escape.js');
    await selectLines(page, 2, 8);
    await startEdit(page, 'Use reduce instead of the loop');
    await waitForPendingEdit(page);
    const stillPending = async (what) => {
      await page.waitForTimeout(500);
      // The lens can be redrawn after a change to the document: give it time to come back.
      await lens(page, 'Accept').waitFor({ timeout: 5000 }).catch(() => assert.fail(`Escape rejected the edit instead of ${what}`));
    };
    const textArea = () => page.locator(`${EDITOR} .view-line`, { hasText: 'export function count' }).first();

    // Find: the widget stays open while the person clicks back into the text.
    await page.keyboard.press('Control+F');
    await page.locator(`${EDITOR} .find-widget.visible`).waitFor();
    await page.keyboard.type('sum');
    await textArea().click();
    await page.keyboard.press('Escape');
    await page.locator(`${EDITOR} .find-widget.visible`).waitFor({ state: 'detached' });
    await stillPending('closing the Find widget');

    // Multiple cursors.
    await textArea().click();
    await runCommand(page, 'Add Cursor Below');
    await page.locator(`${EDITOR} .cursors-layer .cursor`).nth(1).waitFor();
    await page.keyboard.press('Escape');
    await stillPending('removing the extra cursor');

    // A selection.
    await textArea().click();
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+End');
    await page.keyboard.press('Escape');
    await stillPending('clearing the selection');

    // Snippet mode, at the end of the file.
    await page.keyboard.press('Control+End');
    await runCommand(page, 'Snippets: Insert Snippet');
    await page.locator('.quick-input-widget .quick-input-box input').fill('log');
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: /console/i }).first().click();
    await page.locator(`${EDITOR} .view-line`, { hasText: 'console.log(' }).first().waitFor();
    await page.keyboard.press('Escape');
    await stillPending('leaving snippet mode');
    await screenshot(page, 'edit-escape-spared');

    // Nothing else wants Escape now: it rejects. The edit can be seen again.
    await page.keyboard.press('Escape');
    await lens(page, 'Accept').waitFor({ state: 'detached' });
    await runCommand(page, 'Baton: Show Rejected Edit');
    await page.locator('.tab.active', { hasText: 'rejected edit' }).waitFor();
    await page.locator('.monaco-diff-editor .view-line', { hasText: 'return items.reduce((sum, item) => sum + item.price, 0);' }).first().waitFor();
    await screenshot(page, 'edit-show-rejected');
    await runCommand(page, 'View: Close Editor');
  });

  it('typing inside a streaming edit stops it and says it is incomplete: Ctrl+Enter does not keep it, and keeping it takes a confirmation', async function () {
    const { page } = fixture;
    await waitForStatusBarItem(page, STATUS, { text: 'gpt-4.1' });
    await clearNotifications(page);
    server.on('/primary', slowTail(REPLY, REPLY.indexOf('item.price, 0)'), 700));
    await openFile(page, 'typing.js');
    await selectLines(page, 2, 8);
    await startEdit(page, 'Use reduce instead of the loop');
    await page.locator(`${EDITOR} .view-line`, { hasText: 'return items.reduce' }).first().waitFor();
    // The person clicks into the first line of the edit and types at its end.
    await page.locator(`${EDITOR} .view-line`, { hasText: 'export function total' }).first().click();
    await page.keyboard.press('End');
    await page.keyboard.type(' // mine');
    await lens(page, 'Incomplete').waitFor({ timeout: 15_000 });
    await screenshot(page, 'edit-incomplete');
    assert.equal(await lens(page, 'Accept (').count(), 0, 'no one-key Accept is offered');
    // Ctrl+Enter asks first, in a modal that says what is wrong: no one-key Accept of broken code.
    const before = await editorLines(page);
    await page.keyboard.press('Control+Enter');
    const dialog = await readDialog(page);
    assert.equal(dialog.message, 'Keep an incomplete edit?');
    assert.match(dialog.detail, /The model stopped when you typed inside the edit\. It had written \d+ new lines?; \d+ lines? of the old code below/);
    await screenshot(page, 'edit-incomplete-confirm');
    await answerDialog(page, 'Cancel');
    assert.ok(await lens(page, 'Incomplete').isVisible(), 'Cancel keeps the edit pending');
    assert.deepEqual(await editorLines(page), before);
    await lens(page, 'Keep Incomplete Code').click();
    await readDialog(page);
    await answerDialog(page, 'Cancel');

    await page.locator(`${EDITOR} .view-lines`).first().click();
    await page.keyboard.press('End');
    await page.keyboard.press('Escape');
    await lens(page, 'Incomplete').waitFor({ state: 'detached' });
    await page.keyboard.press('Control+S');
    const expected = ORIGINAL.replace('export function total(items) {', 'export function total(items) { // mine');
    const deadline = Date.now() + 5000;
    while (fs.readFileSync(files['typing.js'], 'utf8') !== expected && Date.now() < deadline) await page.waitForTimeout(50);
    assert.equal(fs.readFileSync(files['typing.js'], 'utf8'), expected, 'Reject restores the original with what the person typed');
  });

  it('the extension host crashes during a pending edit: when it runs again, the original is back and Baton says so', async function () {
    this.timeout(120_000);
    const { page, editor } = fixture;
    await waitForStatusBarItem(page, STATUS, { text: 'gpt-4.1' });
    await clearNotifications(page);
    server.on('/primary', replyScript(wire, scripts, REPLY));
    await openFile(page, 'killed.js');
    await selectLines(page, 2, 8);
    await startEdit(page, 'Use reduce instead of the loop');
    await waitForPendingEdit(page);
    const pid = extensionHostPid(editor.pid);
    assert.ok(pid, 'found the extension host');
    process.kill(pid, 'SIGKILL');
    // The editor restarts a crashed extension host itself, or offers to.
    const restart = page.locator('.notification-list-item .monaco-button', { hasText: /Restart Extension Host/ }).first();
    const recovered = waitForNotification(page, /an inline edit in killed\.js was interrupted/, { timeout: 90_000 });
    await Promise.race([recovered, restart.waitFor({ timeout: 90_000 }).then(() => restart.click())]);
    const toast = await recovered;
    assert.match(await toast.locator('.notification-list-item-message').innerText(), /extension host stopped\)\. Your original code is back/);
    await page.locator(`${EDITOR} .view-line`, { hasText: 'let sum = 0;' }).first().waitFor();
    assert.ok(!(await editorLines(page)).some((line) => line.includes('items.reduce')), 'the file no longer shows the edit');
    await screenshot(page, 'edit-recovered-after-crash');
  });

  it('Reload Window during a pending edit: the original comes back, Baton says so and offers the edit', async function () {
    this.timeout(120_000);
    const { page, editor } = fixture;
    await waitForStatusBarItem(page, STATUS, { text: 'gpt-4.1' });
    await clearNotifications(page);
    server.on('/primary', replyScript(wire, scripts, REPLY));
    await openFile(page, 'reload.js');
    await selectLines(page, 2, 8);
    await startEdit(page, 'Use reduce instead of the loop');
    await waitForPendingEdit(page);
    await runCommand(page, 'Developer: Reload Window');
    await page.waitForEvent('load', { timeout: 60_000 }).catch(() => undefined);
    await openWorkbench(page, page.url());
    await waitForStatusBarItem(page, STATUS, { text: 'gpt-4.1' });
    const toast = await waitForNotification(page, /an inline edit in reload\.js was interrupted/, { timeout: 60_000 });
    assert.match(await toast.locator('.notification-list-item-message').innerText(), /Your original code is back; the edit was not applied/);
    await page.locator('.tab.active', { hasText: 'reload.js' }).waitFor();
    await page.locator(`${EDITOR} .view-line`, { hasText: 'let sum = 0;' }).first().waitFor();
    const lines = await editorLines(page);
    assert.ok(!lines.some((line) => line.includes('items.reduce')), `the reloaded file still shows the edit: ${lines.join('\n')}`);
    assert.equal(await lens(page, 'Accept').count(), 0);
    await screenshot(page, 'edit-recovered-after-reload');
    await toast.locator('.monaco-button', { hasText: 'Show Edit' }).click();
    await page.locator('.tab.active', { hasText: 'interrupted edit' }).waitFor();
    await page.locator('.monaco-diff-editor .view-line', { hasText: 'return items.reduce' }).first().waitFor();
    await runCommand(page, 'View: Close Editor');
    assert.equal(fs.readFileSync(files['reload.js'], 'utf8'), ORIGINAL);
    assert.match(editor.readOutputLog('Baton') ?? '', /edit: took out an edit that a reload or crash interrupted in reload\.js/);
  });
});

describe('inline edits with auto save after a delay', function () {
  const fixture = useEditor({ name: 'edit-autosave', workspace, userSettings: { ...models, 'files.autoSave': 'afterDelay', 'files.autoSaveDelay': 1000 } });

  it('auto save writes the original once, and the edit waits, hidden, with Accept and Reject at hand: no save loop, never a mix', async function () {
    this.timeout(90_000);
    const { page } = fixture;
    await waitForStatusBarItem(page, STATUS, { text: 'gpt-4.1' });
    await clearNotifications(page);
    await waitForStatusBarItem(page, STATUS, { text: 'gpt-4.1' });
    const disk = watchDisk(files['autosave.txt']);
    try {
      server.on('/primary', replyScript(wire, scripts, REPLY, 40));
      await openFile(page, 'autosave.txt');
      await selectLines(page, 2, 8);
      await startEdit(page, 'Use reduce instead of the loop');
      await lens(page, 'Waiting, hidden').waitFor({ timeout: 30_000 });
      await screenshot(page, 'edit-parked-by-auto-save');
      const writes = disk.writes;
      await page.waitForTimeout(4000);
      assert.equal(disk.writes, writes, 'the file was written again and again while the edit waited');
      const lines = await editorLines(page);
      assert.ok(!lines.some((line) => line.includes('items.reduce')), 'the document shows the original while the edit waits');
      await lens(page, 'Show Edit').click();
      await page.locator('.tab', { hasText: 'pending edit' }).waitFor();
      await page.locator('.monaco-diff-editor .view-line', { hasText: 'return items.reduce((sum, item) => sum + item.price, 0);' }).first().waitFor();
      await screenshot(page, 'edit-parked-show-edit');
      await page.locator('.tab', { hasText: 'autosave.txt' }).first().click();
      await page.locator(`${EDITOR} .view-lines`).first().click();
      await page.keyboard.press('Control+Enter');
      await lens(page, 'Accept').waitFor({ state: 'detached' });
      await waitFor(() => disk.seen.has(EXPECTED), 'auto save to write the accepted code');
    } finally {
      disk.stop();
    }
    assert.deepEqual([...disk.seen].filter((text) => text !== ORIGINAL && text !== EXPECTED), [], 'the file on disk held old and new lines mixed');
  });
});

describe('inline edits beside a Vim emulation', function () {
  const vim = packageFixtureExtension('vim-context-extension');
  after(() => removeFixture(vim));
  const fixture = useEditor({ name: 'edit-vim', workspace, userSettings: { ...models, 'files.autoSave': 'off' }, installVsix: [process.env.BATON_VSIX ?? '', vim] });

  it('Escape belongs to Vim: it never rejects; the Reject lens still does', async function () {
    const { page } = fixture;
    await waitForStatusBarItem(page, STATUS, { text: 'gpt-4.1' });
    await clearNotifications(page);
    server.on('/primary', replyScript(wire, scripts, REPLY));
    await openFile(page, 'vim.js');
    await selectLines(page, 2, 8);
    await startEdit(page, 'Use reduce instead of the loop');
    await waitForPendingEdit(page);
    await page.locator(`${EDITOR} .view-line`, { hasText: 'export function count' }).first().click();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await page.waitForTimeout(500);
    await lens(page, 'Accept').waitFor({ timeout: 5000 });
    await lens(page, 'Reject').click();
    await lens(page, 'Accept').waitFor({ state: 'detached' });
    assert.ok(!(await editorLines(page)).some((line) => line.includes('items.reduce')));
  });
});
