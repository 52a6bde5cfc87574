// The chat keeps each request within the model's context window (issue 13, item 13): a big file
// attached to an earlier question is not sent again on every later turn once it no longer fits.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useEditor } from '../lib/fixture.mjs';
import { screenshot } from '../lib/workbench.mjs';
import { FaultServer, answer, ask, chatFrame, chatSettings, deltas, openChat, stream, waitForAnswer } from './chatHelpers.mjs';
import { openFile } from './editHelpers.mjs';

const SSE = { headers: { 'content-type': 'text/event-stream' } };
/** About 60,000 characters of realistic source: far more than a 20k-token window holds twice. */
const BIG = Array.from({ length: 1200 }, (_, i) => `export const price${i} = round(${i} * 1.19, 2); // 税込 ✓`).join('\n') + '\n';

describe('chat: the context fits the model', function () {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-context-ws-'));
  fs.writeFileSync(path.join(workspace, 'prices.ts'), BIG);
  let server;
  const userSettings = {};
  before(async () => {
    server = await FaultServer.start();
    chatSettings(userSettings, server.url);
    userSettings['baton.models'][0].contextWindow = 20_000;
    userSettings['baton.models'][0].maxTokens = 2_000;
  });
  after(async () => {
    await server?.close();
    fs.rmSync(workspace, { recursive: true, force: true });
  });
  const fixture = useEditor({ name: 'context', workspace, userSettings });

  it('a big file attached to the first question is sent once, then stands as a one-line note', async function () {
    const { page } = fixture;
    server.on('/primary', stream(answer('openai', deltas('It lists prices with tax.', 6)), SSE));
    const frame = await openChat(page);
    await openFile(page, 'prices.ts');
    const attach = chatFrame(page).locator('.attach-file');
    await attach.waitFor();
    await attach.click();
    await frame.locator('.composer-chips .chip', { hasText: 'prices.ts' }).waitFor();
    await ask(frame, 'What is in this file?');
    await waitForAnswer(frame);
    const first = server.requests('/primary').at(-1);
    assert.ok(first.body.messages.at(-1).content.includes(BIG), 'the file goes with its question, byte for byte');

    server.on('/primary', stream(answer('openai', deltas('price7 is 8.33.', 6)), SSE));
    await ask(frame, 'And price7?');
    await waitForAnswer(frame);
    await screenshot(page, 'chat-context-budget');
    const second = server.requests('/primary').at(-1);
    const messages = second.body.messages.filter((m) => m.role !== 'system');
    assert.equal(messages.length, 3);
    assert.ok(!messages[0].content.includes('price1000'), 'the file is not sent again');
    assert.equal(messages[0].content, `[File \`prices.ts\` (${BIG.length.toLocaleString('en-US')} characters) was attached here; it is left out now to fit the context window.]\n\nWhat is in this file?`);
    assert.equal(messages[1].content, 'It lists prices with tax.');
    assert.equal(messages[2].content, 'And price7?');
    assert.ok(second.text.length < 4_000, `the second request is ${second.text.length} characters`);
  });
});
