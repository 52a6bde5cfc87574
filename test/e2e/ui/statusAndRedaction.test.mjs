// The status bar over several requests at once (issue 13, item 12), and every place a handover's
// details show redacting every key Baton knows (item 5). Driven through the workbench: a chat in
// the panel, an inline edit in the editor, the status bar's hover, Recent Handovers, the webview.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useEditor } from '../lib/fixture.mjs';
import { readStatusBar, runCommand, screenshot, waitForQuickInput, waitForStatusBarItem } from '../lib/workbench.mjs';
import {
  FaultServer, STATUS, WIRES, answer, ask, chatSettings, continuer, deltas, failingAt, openChat, stream, until, waitForAnswer,
} from './chatHelpers.mjs';
import { openFile, selectLines, startEdit, waitForPendingEdit, writeWorkspace } from './editHelpers.mjs';
import { setKeyThroughUi } from './keyHelpers.mjs';

/** The backup's key, in a shape no pattern knows: only Baton's own list of keys can redact it. */
const BACKUP_KEY = 'corp-gateway-token-7f3a9c1e5b2d4f60aa91';
const ANSWER = 'The gateway answer goes on for a while.\n\n```js\nconst total = items.reduce((sum, item) => sum + item.price, 0);\n```\n\nDone.';
const CUT = ANSWER.indexOf('```js');

const EDIT_ORIGINAL = 'export function total(items) {\n  let sum = 0;\n  for (const item of items) sum += item.price;\n  return sum;\n}\n';
const EDIT_REPLY = '```js\nexport function total(items) {\n  return items.reduce((sum, item) => sum + item.price, 0);\n}\n```';
const EDIT_CUT = EDIT_REPLY.indexOf('return');
/** A long chat answer: were counts added across requests, the edit's count would exceed its reply. */
const LONG_ANSWER = Array.from({ length: 40 }, (_, i) => `Line ${i + 1} of a long answer from the primary, about the cart.`).join('\n');

/** Hovers the status bar item and returns the text of its hover. */
async function statusTooltip(page) {
  await page.mouse.move(0, 0);
  await page.locator(`.part.statusbar [id="${STATUS}"]`).hover();
  const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: /Baton|Backup/ }).last();
  await hover.waitFor({ state: 'visible', timeout: 10_000 });
  return hover.innerText();
}

describe('status bar and handover details', function () {
  /** @type {FaultServer} */ let server;
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-status-ws-'));
  const files = writeWorkspace(workspace, { 'cart.js': EDIT_ORIGINAL });
  const userSettings = {};
  before(async () => {
    server = await FaultServer.start();
    chatSettings(userSettings, server.url, { 'baton.defaultModel': 'primary', 'baton.timeouts': { firstTokenMs: 8000, idleMs: 8000, totalMs: 120000 } });
  });
  after(async () => {
    await server?.close();
    fs.rmSync(workspace, { recursive: true, force: true });
  });
  const fixture = useEditor({ name: 'status', workspace, userSettings });

  it('a provider error that echoes another model\'s key shows [redacted] in the tooltip, Recent Handovers, the chat and the log', async function () {
    const { page, editor } = fixture;
    await waitForStatusBarItem(page, STATUS, { text: 'primary' });
    await setKeyThroughUi(page, 'backup', BACKUP_KEY);
    const wire = WIRES.openai;
    const echo = `data: ${JSON.stringify({ error: { message: `upstream gateway rejected token ${BACKUP_KEY} for route /v1/chat`, type: 'server_error', code: null } })}\n\n`;
    server.on('/primary', stream([...wire.head(), ...deltas(ANSWER.slice(0, CUT), 7).map((d) => wire.delta(d)), echo], { headers: { 'content-type': wire.contentType } }));
    server.on('/backup', continuer('anthropic', ANSWER));
    const frame = await openChat(page);
    await ask(frame, 'Total the cart');
    await waitForAnswer(frame);
    assert.equal(server.requests('/backup').at(-1).headers['x-api-key'], BACKUP_KEY, 'the backup got its key');

    const tooltip = (await statusTooltip(page)).replace(/\u00a0/g, ' ');
    await screenshot(page, 'redacted-status-tooltip');
    assert.match(tooltip, /Backup in use: backup/);
    assert.match(tooltip, /upstream gateway rejected token \[redacted\] for route/);
    assert.ok(!tooltip.includes(BACKUP_KEY), `the tooltip shows the key: ${tooltip}`);

    await runCommand(page, 'Baton: Show Recent Handovers');
    await waitForQuickInput(page);
    const rows = await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').allInnerTexts();
    await screenshot(page, 'redacted-recent-handovers');
    await page.keyboard.press('Escape');
    assert.ok(rows.some((row) => row.includes('upstream gateway rejected token [redacted]')), rows.join('\n'));
    assert.ok(!rows.join('\n').includes(BACKUP_KEY), 'Recent Handovers shows the key');

    const webview = await frame.locator('body').evaluate((body) => body.outerHTML);
    assert.match(webview, /upstream gateway rejected token \[redacted\]/, 'the seam keeps the detail, redacted');
    assert.ok(!webview.includes(BACKUP_KEY), 'the chat shows the key');
    const toasts = await page.locator('.notification-list-item-message').allInnerTexts();
    assert.ok(!toasts.join('\n').includes(BACKUP_KEY), 'a notification shows the key');
    assert.ok(!(editor.readOutputLog('Baton') ?? '').includes(BACKUP_KEY), 'the log shows the key');
  });

  it('a chat answered by its primary leaves the warning up while an inline edit still runs on the backup, with the edit\'s own count', async function () {
    this.timeout(120_000);
    const { page } = fixture;
    // The edit's request comes first: its primary drops, the backup finishes it slowly. The chat's
    // request comes second and is answered by the primary at once.
    server.on('/primary', failingAt('openai', EDIT_REPLY, EDIT_CUT, 'reset'), stream(answer('openai', deltas(LONG_ANSWER, 40)), { headers: { 'content-type': WIRES.openai.contentType } }));
    // About 20 s for the backup to finish: the chat is long done by then.
    server.on('/backup', continuer('anthropic', EDIT_REPLY, { deltaSize: 1, chunkBytes: 100, delayMs: 150 }));
    await openFile(page, 'cart.js');
    await selectLines(page, 1, 5);
    await startEdit(page, 'Use reduce');
    await until(async () => /backup: backup/.test((await readStatusBar(page, STATUS)).text), { message: 'the backup to take over the edit' });

    const frame = await openChat(page);
    await ask(frame, 'Explain the cart');
    await waitForAnswer(frame);
    const during = await readStatusBar(page, STATUS);
    await screenshot(page, 'status-edit-on-backup-after-chat');
    assert.match(during.text, /backup: backup · [\d,]+/, `the chat on its primary cleared the warning: ${during.text}`);
    assert.equal(during.kind, 'warning');
    const count = Number(during.text.match(/· ([\d,]+)/)[1].replace(/,/g, ''));
    assert.ok(count <= EDIT_REPLY.length, `the count ${count} adds the chat's ${LONG_ANSWER.length} chars to the edit's`);
    assert.match(await statusTooltip(page), /1 more request running|Backup in use/);

    await page.locator('.editor-group-container.active .view-lines').first().click();
    await waitForPendingEdit(page, 60_000);
    const after = await readStatusBar(page, STATUS);
    assert.match(after.text, /^backup: backup$/, 'the finished edit leaves the warning, without a count');
    await page.keyboard.press('Escape');
    assert.equal(fs.readFileSync(files['cart.js'], 'utf8'), EDIT_ORIGINAL);
  });
});
