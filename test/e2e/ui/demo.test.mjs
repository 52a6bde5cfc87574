// `npm run demo` as a newcomer meets it: the demo's own editor, settings and simulated provider pair
// (tools/demo), one question in the chat panel, and the whole handover story on screen. The
// screenshot it saves is the one the README shows.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startDemo } from '../../../tools/demo/run.mjs';
import { launchBrowser, REPO_ROOT } from '../lib/editor.mjs';
import { openWorkbench, readStatusBar, screenshot } from '../lib/workbench.mjs';
import { scriptedAnswer } from '../../../tools/demo/providers.mjs';
import { STATUS, answerText, ask, openChat, until, waitForAnswer } from './chatHelpers.mjs';

describe('npm run demo: the handover story in the real editor', function () {
  let demo;
  let browser;

  before(async function () {
    this.timeout(180_000);
    demo = await startDemo({ port: 0, vsix: process.env.BATON_VSIX });
    browser = await launchBrowser();
    await openWorkbench(browser.page, demo.editor.workbenchUrl());
  });

  after(async function () {
    this.timeout(60_000);
    await Promise.all([browser?.stop(), demo?.stop()]);
  });

  it('a question is answered whole across the reset: seam marker in the panel, status bar on the backup, tooltip says why', async function () {
    const { page } = browser;
    const frame = await openChat(page);
    const question = 'What happens when my provider drops the connection?';
    await ask(frame, question);
    const answerEl = await waitForAnswer(frame, ['done'], 60_000);

    // The scripted answer, rendered: every passage from the first line to the last, each exactly once.
    const text = await answerText(answerEl);
    const passages = scriptedAnswer([{ role: 'user', content: question }])
      .split(/\n+/).map((line) => line.replace(/^(\d+\.|>|```\w*)\s*/, '').replace(/[*`]/g, '').trim()).filter(Boolean);
    assert.ok(passages.length > 10);
    for (const passage of passages) assert.equal(text.split(passage).length - 1, 1, `once: ${passage}`);
    assert.equal(await answerEl.locator('.baton-seam').count(), 1, 'one seam marker');
    assert.match(await answerEl.locator('.baton-seam').innerText(), /demo-primary dropped at [\d,]+ chars: .* → continued by demo-backup/);
    assert.equal(await answerEl.locator('.answer-models').innerText(), 'demo-primary → demo-backup');

    const status = await readStatusBar(page, STATUS);
    assert.match(status.text, /backup: demo-backup/);
    assert.equal(status.kind, 'warning');
    // The README's picture: the whole answer with its seam marker, the status bar in warning colours.
    await page.mouse.move(600, 300);
    const file = await screenshot(page, 'demo-backup');
    if (process.env.BATON_UPDATE_README_SHOTS) fs.copyFileSync(file, path.join(REPO_ROOT, 'media/readme/demo-backup.png'));

    // The tooltip says which model failed, why and where.
    await page.locator(`.part.statusbar [id="${STATUS}"]`).hover();
    const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'Backup in use: demo-backup' });
    await until(async () => (await hover.count()) > 0 && (await hover.first().isVisible()), { message: 'the status bar tooltip' });
    assert.match(await hover.first().innerText(), /demo-primary\s+failed\s+at\s+[\d,]+\s+chars/);
    await screenshot(page, 'demo-backup-tooltip');
  });
});
