// A handover in the middle of a code block, seen in the chat panel: the answer is exact byte for
// byte (Copy Answer gives the source), the block renders as one code block with the seam marker
// inside it, and Copy gives exactly the code, indentation included.
import assert from 'node:assert/strict';
import { useEditor } from '../lib/fixture.mjs';
import {
  FaultServer, WIRES, answer, ask, chatSettings, continuer, copiedAnswer, deltas, failingAt, openChat, panelScreenshot, stream, turns, waitForAnswer,
} from './chatHelpers.mjs';

const CODE = [
  'def totals_by_region(rows):',
  '    totals = {}',
  '    for row in rows:',
  '        region = row.get("region", "unknown")',
  '        totals[region] = totals.get(region, 0) + row["amount"]',
  '    return totals',
].join('\n');
const ANSWER = `Group the rows first:\n\n\`\`\`python\n${CODE}\n\`\`\`\n\nEach region is summed once.\n`;
/** Inside the indentation of the deepest line: the user has "    for row in rows:\n    ". */
const CUT = ANSWER.indexOf('        region =') + 4;

/**
 * A backup asked by instruction that ignores the anchor: it reopens the code fence and writes the
 * last line it was shown again, as models often do.
 */
function reopeningBackup(full) {
  return (req, res) => {
    const all = turns('anthropic', req.body);
    const partial = all.at(-2).text;
    const line = partial.slice(partial.lastIndexOf('\n') + 1);
    const reply = `\`\`\`python\n${line}${full.slice(partial.length)}`;
    return stream(answer('anthropic', deltas(reply, 5)), { headers: { 'content-type': WIRES.anthropic.contentType } })(req, res);
  };
}

describe('chat: a seam inside a code block', function () {
  let server;
  let frame;
  const userSettings = {};
  before(async function () {
    server = await FaultServer.start();
    chatSettings(userSettings, server.url);
    userSettings['baton.models'][1].prefill = false;
  });
  after(async () => server?.close());
  const fixture = useEditor({ userSettings });

  for (const [name, backup, shot] of [
    ['reopens the fence and restarts the line', () => reopeningBackup(ANSWER), 'chat-seam-in-code'],
    ['repeats the anchor it was asked for', () => continuer('anthropic', ANSWER, { deltaSize: 5 }), undefined],
  ]) {
    it(`the primary breaks inside the indentation of a python block; a backup that ${name}: one code block, exact text`, async function () {
      const { page } = fixture;
      server.on('/primary', failingAt('openai', ANSWER, CUT, 'reset'));
      server.on('/backup', backup());
      frame ??= await openChat(page);
      await fixture.browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: fixture.editor.url });
      await ask(frame, 'Sum the amounts per region');
      const answerEl = await waitForAnswer(frame);
      if (shot) await panelScreenshot(page, shot);

      assert.equal(await answerEl.locator('pre').count(), 1, 'one code block');
      assert.equal(await answerEl.locator('pre .baton-seam').count(), 1, 'the seam marker sits inside it');
      const code = await answerEl.locator('pre code').evaluate((root) => {
        const clone = root.cloneNode(true);
        for (const marker of clone.querySelectorAll('.baton-seam')) marker.remove();
        return clone.textContent;
      });
      assert.equal(JSON.stringify(code), JSON.stringify(CODE), 'the rendered code, byte for byte');

      await answerEl.locator('.code-actions [data-action="copy"]').click();
      await frame.locator('.notice', { hasText: 'Copied' }).last().waitFor();
      assert.equal(JSON.stringify(await page.evaluate(() => navigator.clipboard.readText())), JSON.stringify(CODE), 'Copy gives the code');
      assert.equal(JSON.stringify(await copiedAnswer(fixture, answerEl)), JSON.stringify(ANSWER), 'Copy Answer gives the answer');
    });
  }
});
