// Inline edits driven through the workbench as a person would: select lines, run
// "Baton: Edit Selection" from the palette (or Ctrl+K Ctrl+E), type the instruction, watch the diff
// stream in, then Ctrl+Enter / Escape / Ctrl+Z. The file is read back from disk after Ctrl+S, so
// "exactly the expected text" means byte for byte. Scripted models answer from a local server.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useEditor } from '../lib/fixture.mjs';
import {
  readStatusBar, runContextMenuItem, screenshot, statusBarItemId, waitForNotification, waitForQuickInput, waitForStatusBarItem,
} from '../lib/workbench.mjs';
import {
  lens, openFile, replyScript, saveAndRead, selectLines, startEdit, visibleDiff, waitForBanner, waitForPendingEdit, writeWorkspace, goToLine,
} from './editHelpers.mjs';
import cartEdit from '../../../out/test/support/cartEdit.js';
import continuerModule from '../../../out/test/support/continuer.js';
import faultServerModule from '../../../out/test/support/faultServer.js';
import scripts from '../../../out/test/support/scripts.js';
import wire from '../../../out/test/support/wire.js';

const { continuer, failingAt } = continuerModule;
const STATUS = statusBarItemId('baton.status');

const { ORIGINAL, EXPECTED, REPLY } = cartEdit;
/** The primary dies in the middle of the reduce line. */
const CUT = REPLY.indexOf(' sum + item.price');

const server = await faultServerModule.FaultServer.start();
const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-edit-ws-'));
const names = ['accept.js', 'cart.js', 'backup-repeat.js', 'backup-noprefill.js', 'reject.js', 'cancel.js', 'failed.js', 'block.js'];
const files = writeWorkspace(workspace, Object.fromEntries(names.map((name) => [name, name === 'reject.js' ? ORIGINAL.replace(/\n/g, '\r\n') : ORIGINAL])));
fs.writeFileSync(files['block.js'], `${Array.from({ length: 40 }, (_, i) => `const v${i} = ${i};`).join('\n')}\n\n${ORIGINAL}`);

describe('inline edit, driven through the editor UI', function () {
  const fixture = useEditor({
    workspace,
    userSettings: {
      'baton.models': [
        { id: 'gpt-4.1', provider: 'openai', model: 'gpt-4.1', baseUrl: `${server.url}/primary/v1` },
        { id: 'claude', provider: 'anthropic', model: 'claude-sonnet-4-5', baseUrl: `${server.url}/backup/v1` },
      ],
      'baton.fallbacks': { 'gpt-4.1': ['claude'] },
      'baton.timeouts': { firstTokenMs: 5000, idleMs: 2000, totalMs: 60000 },
      'baton.retry': { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 },
      'baton.cooldown': { failureThreshold: 100, cooldownMs: 0 },
      'editor.minimap.enabled': false,
      'workbench.colorTheme': 'Default Dark Modern',
      // code-server saves after a delay by default; an automatic save parks a finished edit
      // (test/e2e/ui/editSafety.test.mjs). These tests look at the inline diff itself.
      'files.autoSave': 'off',
    },
  });

  after(async () => {
    await server.close();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('streams an edit started from the palette, shows it as a diff; Ctrl+Enter accepts and one Ctrl+Z restores the original', async function () {
    const { page } = fixture;
    await waitForStatusBarItem(page, STATUS, { text: 'gpt-4.1' });
    server.on('/primary', replyScript(wire, scripts, REPLY, 45));
    await openFile(page, 'accept.js');
    await selectLines(page, 2, 8);
    const prompt = await startEdit(page, 'Use reduce instead of the loop');
    assert.equal(prompt.title, 'Baton: Edit lines 2–8', 'the prompt says what will be edited');

    await waitForBanner(page, 'gpt-4.1 is writing the edit');
    await page.locator('.view-line', { hasText: 'return items.reduce' }).first().waitFor();
    await screenshot(page, 'edit-streaming');
    await waitForPendingEdit(page);
    await screenshot(page, 'edit-pending-diff');
    const diff = await visibleDiff(page);
    const background = (text) => diff.find((line) => line.text.trim() === text.trim())?.background;
    assert.ok(background('  let sum = 0;'), 'removed lines are decorated');
    assert.ok(background('  return items.reduce((sum, item) => sum + item.price, 0);'), 'added lines are decorated');
    assert.notEqual(background('  let sum = 0;'), background('  return items.reduce((sum, item) => sum + item.price, 0);'), 'in two different diff colours');
    assert.equal(background('// Cart helpers'), '', 'lines outside the edit are not decorated');
    assert.ok(await lens(page, 'Reject (Esc)').isVisible());

    await page.keyboard.press('Control+Enter');
    await lens(page, 'Accept').waitFor({ state: 'detached' });
    assert.equal(await saveAndRead(page, files['accept.js'], (text) => text === EXPECTED), EXPECTED);
    await page.keyboard.press('Control+Z');
    await page.locator('.view-line', { hasText: 'let sum = 0;' }).first().waitFor();
    assert.equal(await saveAndRead(page, files['accept.js'], (text) => text === ORIGINAL), ORIGINAL, 'one Undo gives back the original');
  });

  const backups = [
    ['continues exactly', 'cart.js', {}],
    // Asked by instruction (it refuses prefill), repeats the whole line it was cut in, as models asked to continue often do.
    ['repeats the last line before continuing', 'backup-repeat.js', {
      repeatTail: CUT - (REPLY.lastIndexOf('\n', CUT) + 1),
      rejectPrefill: { type: 'error', error: { type: 'invalid_request_error', message: 'assistant message prefill is not supported' } },
    }],
    ['rejects prefill', 'backup-noprefill.js', { rejectPrefill: { type: 'error', error: { type: 'invalid_request_error', message: 'assistant message prefill is not supported' } } }],
  ];
  for (const [name, file, options] of backups) {
    it(`when the primary resets halfway through the edit, a backup that ${name} finishes it, and the status bar shows the backup`, async function () {
      const { page } = fixture;
      server.on('/primary', failingAt('openai', REPLY, CUT, 'reset'));
      server.on('/backup', continuer('anthropic', REPLY, { ...options, chunkBytes: 300, delayMs: 30 }));
      await openFile(page, file);
      await selectLines(page, 2, 8);
      await startEdit(page, 'Use reduce instead of the loop');
      await waitForPendingEdit(page);
      await lens(page, 'gpt-4.1 dropped at').waitFor();
      const status = await readStatusBar(page, STATUS);
      assert.match(status.text, /backup: claude/);
      assert.equal(status.kind, 'warning');
      if (file === 'cart.js') {
        await screenshot(page, 'edit-pending-after-handover');
        // The picture for the README: the editor alone, with the status bar.
        await page.keyboard.press('Control+B');
        await page.locator('.part.sidebar').waitFor({ state: 'hidden' });
        await screenshot(page, 'edit-readme');
        await page.keyboard.press('Control+B');
        await page.locator('.part.sidebar').waitFor({ state: 'visible' });
        await page.locator('.editor-group-container.active .view-lines').first().click();
      }
      // Accept by keyboard, or by clicking the CodeLens.
      if (file === 'backup-repeat.js') await lens(page, 'Accept').click();
      else await page.keyboard.press('Control+Enter');
      await lens(page, 'Accept').waitFor({ state: 'detached' });
      assert.equal(await saveAndRead(page, files[file], (text) => text === EXPECTED), EXPECTED, 'the seam lands on the right character');
      const log = fixture.editor.readOutputLog('Baton') ?? '';
      assert.match(log, /edit: gpt-4\.1 dropped at [\d,]+ chars: connection failed .*→ continued by claude/);
    });
  }

  it('Escape rejects a pending edit and restores a CRLF file byte for byte', async function () {
    const { page } = fixture;
    server.on('/primary', replyScript(wire, scripts, REPLY));
    await openFile(page, 'reject.js');
    await selectLines(page, 2, 8);
    await startEdit(page, 'Use reduce instead of the loop');
    await waitForPendingEdit(page);
    assert.ok((await visibleDiff(page)).some((line) => line.text.includes('items.reduce')), 'the pending edit is in the document');
    await page.keyboard.press('Escape');
    await lens(page, 'Reject').waitFor({ state: 'detached' });
    const crlf = ORIGINAL.replace(/\n/g, '\r\n');
    assert.equal(await saveAndRead(page, files['reject.js'], (text) => text === crlf), crlf);
  });

  it('Escape while the edit streams cancels it and restores the original byte for byte', async function () {
    const { page } = fixture;
    server.on('/primary', replyScript(wire, scripts, REPLY, 120));
    await openFile(page, 'cancel.js');
    await selectLines(page, 2, 8);
    await startEdit(page, 'Use reduce instead of the loop');
    await page.locator('.view-line', { hasText: 'return items.reduce' }).first().waitFor();
    assert.ok(await lens(page, 'Cancel (Esc)').isVisible());
    const disconnected = server.waitForDisconnect();
    await page.keyboard.press('Escape');
    await lens(page, 'Cancel').waitFor({ state: 'detached' });
    await disconnected;
    assert.equal(await saveAndRead(page, files['cancel.js'], (text) => text === ORIGINAL), ORIGINAL);
  });

  it('when every model fails, rolls the edit back, says so, and shows the partial beside the original on request', async function () {
    const { page } = fixture;
    server.on('/primary', failingAt('openai', REPLY, CUT, 'reset'));
    server.on('/backup', scripts.httpError(500, { type: 'error', error: { type: 'api_error', message: 'Internal server error' } }));
    await openFile(page, 'failed.js');
    await selectLines(page, 2, 8);
    await startEdit(page, 'Use reduce instead of the loop');
    const toast = await waitForNotification(page, /could not finish the edit/);
    const message = await toast.locator('.notification-list-item-message').innerText();
    assert.match(message, /your code is unchanged/);
    assert.match(message, /gpt-4\.1: connection failed at [\d,]+ chars/);
    assert.match(message, /claude: server error/);
    await screenshot(page, 'edit-failed');
    assert.equal(await saveAndRead(page, files['failed.js'], (text) => text === ORIGINAL), ORIGINAL);
    await toast.locator('.monaco-button', { hasText: 'Show Partial' }).click();
    await page.locator('.tab.active', { hasText: 'incomplete edit' }).waitFor();
    await page.locator('.monaco-diff-editor .view-line', { hasText: 'return items.reduce((sum, item) =>' }).first().waitFor();
    await screenshot(page, 'edit-show-partial');
    assert.equal(fs.readFileSync(files['failed.js'], 'utf8'), ORIGINAL, 'the partial is never applied');
  });

  it('Ctrl+K Ctrl+E and the context menu, without a selection, offer the function around the cursor, with recent instructions', async function () {
    const { page } = fixture;
    await openFile(page, 'block.js');
    // An instruction given (then cancelled) a moment ago is offered first next time.
    server.on('/primary', replyScript(wire, scripts, REPLY, 120));
    await goToLine(page, 46);
    await startEdit(page, 'Rename total to sum', { via: 'keybinding' });
    await lens(page, 'Cancel (Esc)').waitFor();
    await page.keyboard.press('Escape');
    await lens(page, 'Cancel').waitFor({ state: 'detached' });

    await goToLine(page, 46);
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+E');
    const shown = await waitForQuickInput(page);
    assert.equal(shown.title, 'Baton: Edit the block around the cursor: `export function total(items) {` (lines 43–49)');
    assert.equal(shown.items[0], 'Rename total to sum', 'recent instructions are offered');
    await screenshot(page, 'edit-instruction');
    await page.keyboard.press('Escape');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });

    const line = page.locator('.editor-group-container.active .view-line', { hasText: 'sum += item.price' }).first();
    await runContextMenuItem(page, {
      label: 'Edit Selection',
      open: (attempt) => (attempt === 1
        ? line.click({ button: 'right' })
        : line.click().then(() => page.keyboard.press('Shift+F10'))),
      ran: () => page.locator('.quick-input-widget .quick-input-title', { hasText: /^Baton: Edit the block around the cursor/ }).isVisible(),
    });
    await page.keyboard.press('Escape');
  });
});
