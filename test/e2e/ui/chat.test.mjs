import assert from 'node:assert/strict';
import { useEditor } from '../lib/fixture.mjs';
import { readStatusBar, runCommand, screenshot } from '../lib/workbench.mjs';
import {
  FaultServer, STATUS, answer, answerText, ask, chatSettings, continuer, copiedAnswer, deltas, failingAt, httpError, openChat, panelScreenshot,
  renderedParagraphs, replaceLastAnswer, sleep, slowAnswer, stream, until, waitForAnswer,
} from './chatHelpers.mjs';

const SSE = { headers: { 'content-type': 'text/event-stream' } };

const CODE_ANSWER = `Here is a function:

\`\`\`ts
export function add(a: number, b: number): number {
  return a + b; // sum
}
\`\`\`

- one
- two **bold**
`;

/** Plain prose: each rendered paragraph can be compared with its source character for character. */
const PROSE = Array.from({ length: 12 }, (_, i) =>
  `Paragraph ${i + 1} explains step ${i + 1} of the plan in plain words, with nothing repeated from any other paragraph number ${i + 1}.`).join('\n\n');

describe('chat: a conversation in the panel', function () {
  let server;
  const userSettings = {};
  before(async function () {
    server = await FaultServer.start();
    chatSettings(userSettings, server.url);
  });
  after(async () => server?.close());
  const fixture = useEditor({ userSettings });

  it('answers a question: Shift+Enter adds a line, Enter sends, markdown and code render', async function () {
    const { page } = fixture;
    server.on('/primary', stream(answer('openai', deltas(CODE_ANSWER, 5)), SSE));
    const frame = await openChat(page);
    const input = frame.locator('.composer textarea');
    await input.click();
    await input.pressSequentially('First line');
    await input.press('Shift+Enter');
    await input.pressSequentially('second line');
    assert.equal(await input.inputValue(), 'First line\nsecond line');
    assert.equal(server.requests('/primary').length, 0, 'Shift+Enter must not send');
    await input.press('Enter');
    const answerEl = await waitForAnswer(frame);
    await screenshot(page, 'chat-round-trip');

    assert.equal(await input.inputValue(), '');
    assert.equal(await frame.locator('.question-text').last().innerText(), 'First line\nsecond line');
    assert.equal(server.requests('/primary').length, 1);
    const sent = server.requests('/primary')[0].body.messages;
    assert.equal(sent.at(-1).content, 'First line\nsecond line');
    assert.equal(await answerEl.locator('.answer-models').innerText(), 'primary');
    assert.equal(await answerEl.locator('pre code').textContent(), 'export function add(a: number, b: number): number {\n  return a + b; // sum\n}');
    assert.ok(await answerEl.locator('pre code .hljs-keyword').count() > 0, 'the code block is highlighted');
    assert.deepEqual(await answerEl.locator('.markdown li').allInnerTexts(), ['one', 'two bold']);
    assert.equal(await answerEl.locator('.markdown strong').innerText(), 'bold');
    const status = await readStatusBar(page, STATUS);
    assert.equal(status.text, 'primary');
    const announced = await frame.locator('[data-live="polite"]').innerText();
    assert.match(announced, /^primary answered\. Here is a function:/, 'the answer is announced to screen readers');
    // After the announcement: Copy Answer announces "Copied" in its place.
    assert.equal(await copiedAnswer(fixture, answerEl), CODE_ANSWER, 'the answer, byte for byte');
  });

  it('a primary that resets mid-answer is continued by the backup: the whole answer once, a seam marker, the status bar on the backup', async function () {
    const { page } = fixture;
    const frame = await openChat(page);
    const at = 703;
    server.on('/primary', failingAt('openai', PROSE, at, 'reset'));
    server.on('/backup', continuer('anthropic', PROSE, { delayMs: 2 }));
    await ask(frame, 'Explain the plan');
    const answerEl = await waitForAnswer(frame);
    await screenshot(page, 'chat-handover');

    const text = await answerText(answerEl);
    assert.equal(await copiedAnswer(fixture, answerEl), PROSE, 'the panel holds the complete answer exactly once');
    assert.deepEqual(await renderedParagraphs(answerEl), PROSE.split('\n\n'), 'and shows it, paragraph by paragraph');
    for (let i = 1; i <= 12; i++) assert.equal(text.split(`Paragraph ${i} explains`).length - 1, 1, `paragraph ${i} appears once`);
    const markers = answerEl.locator('.baton-seam');
    assert.equal(await markers.count(), 1);
    assert.equal(await markers.innerText(), `primary dropped at ${at} chars: connection reset → continued by backup`);
    assert.equal(await markers.getAttribute('role'), 'note');
    assert.equal(await answerEl.locator('.answer-models').innerText(), 'primary → backup');
    // The marker sits inside the paragraph where the seam fell, not between blocks.
    const seamParagraph = PROSE.slice(0, at).split('\n\n').length + (PROSE.slice(at).startsWith('\n\n') ? 1 : 0);
    const paragraph = await markers.evaluate((m) => m.closest('p')?.textContent ?? '');
    assert.ok(paragraph.startsWith(`Paragraph ${seamParagraph} `), `the marker sits in paragraph ${seamParagraph}: ${paragraph.slice(0, 80)}`);
    const status = await readStatusBar(page, STATUS);
    assert.match(status.text, /backup: backup/);
    assert.equal(status.kind, 'warning');
  });

  it('Stop cancels at once: the server sees the disconnect and no fallback starts (button, then Escape)', async function () {
    const { page } = fixture;
    const frame = await openChat(page);
    for (const how of ['button', 'Escape']) {
      server.on('/primary', slowAnswer('openai', PROSE, { deltaSize: 4, delayMs: 25 }));
      server.on('/backup', continuer('anthropic', PROSE));
      const backupBefore = server.requests('/backup').length;
      const disconnectsBefore = server.disconnects;
      await ask(frame, `Tell me slowly (${how})`);
      const answerEl = frame.locator('.turn.answer').last();
      await until(async () => (await answerText(answerEl)).length > 40, { message: 'some streamed text' });
      if (how === 'button') await panelScreenshot(page, 'chat-streaming');
      const stoppedAt = Date.now();
      if (how === 'button') await frame.locator('.composer button.stop').click();
      else await frame.locator('.composer textarea').press('Escape');
      await frame.locator('.turn.answer[data-status="stopped"]').last().waitFor({ timeout: 5_000 });
      await until(() => server.disconnects > disconnectsBefore, { message: 'the server to see the client disconnect', timeout: 5_000 });
      const elapsed = Date.now() - stoppedAt;
      assert.ok(elapsed < 3_000, `stopping took ${elapsed} ms`);
      await sleep(1_500);
      assert.equal(server.requests('/backup').length, backupBefore, 'no fallback starts after Stop');
      const partial = await copiedAnswer(fixture, answerEl);
      assert.ok(partial.length > 40 && PROSE.startsWith(partial), `the partial answer stays as it was: ${JSON.stringify(partial.slice(-60))}`);
      assert.match(await answerEl.locator('.answer-after').innerText(), /Stopped/);
      assert.ok(await frame.locator('.composer button.send').isVisible(), 'Send is back');
    }
    await screenshot(page, 'chat-stopped');
    const status = await readStatusBar(page, STATUS);
    assert.notEqual(status.kind, 'error', 'a stopped answer is not a failure');
    assert.ok(!status.icons.includes('loading~spin') && !status.icons.includes('loading'), `the status bar stopped spinning: ${status.icons}`);
  });

  it('switching to another view mid-answer and back keeps the answer whole (the webview rebuilds from a snapshot)', async function () {
    const { page } = fixture;
    let frame = await openChat(page);
    server.on('/primary', slowAnswer('openai', PROSE, { deltaSize: 8, delayMs: 12 }));
    await ask(frame, 'Stream while I look elsewhere');
    await until(async () => (await answerText(frame.locator('.turn.answer').last())).length > 60, { message: 'some streamed text' });
    await runCommand(page, 'View: Show Explorer');
    await page.locator('.part.sidebar .composite.title', { hasText: /explorer/i }).waitFor();
    await sleep(400);
    frame = await openChat(page);
    const answerEl = await waitForAnswer(frame);
    assert.equal(await copiedAnswer(fixture, answerEl), PROSE);
    assert.deepEqual(await renderedParagraphs(answerEl), PROSE.split('\n\n'));
  });

  it('when every model fails, the partial answer stays with an error card; Retry asks again', async function () {
    const { page } = fixture;
    const frame = await openChat(page);
    server.on('/primary', failingAt('openai', PROSE, 300, 'reset'));
    server.on('/backup', httpError(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
    await ask(frame, 'This will fail');
    const answerEl = await waitForAnswer(frame, ['failed']);
    await screenshot(page, 'chat-error-card');
    const card = answerEl.locator('.error-card');
    assert.equal(await card.getAttribute('role'), 'alert');
    assert.match(await card.locator('.error-title').innerText(), /Every model in the chain failed/);
    const steps = await card.locator('.error-steps li').allInnerTexts();
    assert.equal(steps.length, 2);
    assert.match(steps[0], /^primary .*connection reset|^primary .*connection failed/);
    assert.match(steps[1], /^backup .*overloaded/);
    assert.match(await card.innerText(), /incomplete/);
    assert.equal(await copiedAnswer(fixture, answerEl), PROSE.slice(0, 300), 'the partial answer stays, exactly');
    assert.ok(await card.locator('button', { hasText: 'Retry' }).isVisible());
    assert.ok(await card.locator('button', { hasText: 'Open Settings' }).isVisible());
    assert.equal((await readStatusBar(page, STATUS)).kind, 'error');

    server.on('/primary', stream(answer('openai', deltas('Second time lucky.', 4)), SSE));
    const questions = await frame.locator('.turn.question').count();
    await replaceLastAnswer(frame, () => card.locator('button', { hasText: 'Retry' }).click());
    const retried = await waitForAnswer(frame);
    assert.equal(await copiedAnswer(fixture, retried), 'Second time lucky.');
    assert.equal(await frame.locator('.turn.question').count(), questions, 'Retry asks the same question again');
    assert.equal(await frame.locator('.error-card').count(), 0, 'the failed answer was replaced');
  });

  it('Regenerate re-asks the last question and replaces its answer', async function () {
    const frame = await openChat(fixture.page);
    server.on('/primary', stream(answer('openai', deltas('A first answer.', 4)), SSE));
    await ask(frame, 'Answer me twice');
    await waitForAnswer(frame);
    server.on('/primary', stream(answer('openai', deltas('A different answer.', 4)), SSE));
    const before = server.requests('/primary').length;
    const answers = await frame.locator('.turn.answer').count();
    await replaceLastAnswer(frame, () => frame.locator('.turn.answer').last().locator('button[data-action="regenerate"]').click());
    const answerEl = await waitForAnswer(frame);
    assert.equal(await copiedAnswer(fixture, answerEl), 'A different answer.');
    assert.equal(server.requests('/primary').length, before + 1);
    assert.equal(await frame.locator('.turn.answer').count(), answers);
    const asked = server.requests('/primary').at(-1).body.messages.at(-1).content;
    assert.equal(asked, 'Answer me twice');
  });

  it('the model picker chooses the primary for this chat', async function () {
    const frame = await openChat(fixture.page);
    server.on('/backup', stream(answer('anthropic', deltas('Backup speaking.', 4)), SSE));
    const primaryBefore = server.requests('/primary').length;
    await frame.locator('.model-picker').selectOption('backup');
    await ask(frame, 'Who answers?');
    const answerEl = await waitForAnswer(frame);
    assert.equal(await answerEl.locator('.answer-models').innerText(), 'backup');
    assert.equal(await copiedAnswer(fixture, answerEl), 'Backup speaking.');
    assert.equal(server.requests('/primary').length, primaryBefore, 'the primary was not asked');
    await frame.locator('.model-picker').selectOption('primary');
  });

  it('Open Settings on an error card opens Baton\'s settings', async function () {
    const { page } = fixture;
    const frame = await openChat(page);
    server.on('/primary', httpError(401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } }));
    server.on('/backup', httpError(401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }));
    await ask(frame, 'Needs a key');
    const answerEl = await waitForAnswer(frame, ['failed']);
    const card = answerEl.locator('.error-card');
    assert.ok(await card.locator('button', { hasText: 'Set API Key' }).isVisible(), 'an auth failure offers Set API Key');
    await card.locator('button', { hasText: 'Open Settings' }).click();
    const settings = page.locator('.settings-editor');
    await settings.waitFor();
    assert.match(await settings.locator('.search-container .view-lines').innerText(), /@ext:baton-dev\.baton/);
    await settings.locator('.setting-item-title', { hasText: 'Models' }).first().waitFor();
    await page.keyboard.press('Escape');
    await settings.waitFor({ state: 'hidden' });
  });

  it('every action in an answer is reachable by keyboard', async function () {
    const { page } = fixture;
    const frame = await openChat(page);
    server.on('/primary', failingAt('openai', `${CODE_ANSWER}\nMore words after the code, enough of them.`, 30, 'reset'));
    server.on('/backup', continuer('anthropic', `${CODE_ANSWER}\nMore words after the code, enough of them.`));
    await ask(frame, 'Keyboard please');
    await waitForAnswer(frame);
    const input = frame.locator('.composer textarea');
    await input.focus();
    const seen = [];
    for (let i = 0; i < 16; i++) {
      await page.keyboard.press('Shift+Tab');
      seen.push(await frame.locator(':focus').evaluate((el) => el.getAttribute('aria-label') ?? el.textContent?.trim() ?? el.tagName));
      if (seen.at(-1)?.startsWith('Ask Baton')) break;
    }
    for (const label of ['Regenerate', 'Copy Answer', 'Apply to Selection', 'Insert at Cursor', 'Copy']) assert.ok(seen.includes(label), `${label} in ${seen}`);
    assert.ok(seen.some((label) => /primary dropped at 30 chars: connection reset → continued by backup/.test(label)), 'the seam marker is focusable');
    // Back to the code block's Copy and press Enter.
    await input.focus();
    for (let i = 0; i < 16 && (await frame.locator(':focus').getAttribute('aria-label')) !== 'Copy'; i++) await page.keyboard.press('Shift+Tab');
    await fixture.browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: fixture.editor.url });
    await page.keyboard.press('Enter');
    await frame.locator('.notice', { hasText: 'Copied' }).waitFor();
    const code = 'export function add(a: number, b: number): number {\n  return a + b; // sum\n}';
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), code, 'the seam marker inside the code is not part of the code');
    assert.equal(await frame.locator('.turn.answer').last().locator('pre .baton-seam').count(), 1, 'the marker sits inside the code block');
    await page.keyboard.press('Tab');
    assert.equal(await frame.locator(':focus').getAttribute('aria-label'), 'Insert at Cursor');
  });

  it('New Chat starts afresh; the history lists past chats to reopen or delete', async function () {
    const { page } = fixture;
    const frame = await openChat(page);
    for (const question of ['A first chat', 'A second chat']) {
      server.on('/primary', stream(answer('openai', deltas(`Answer to ${question}.`, 4)), SSE));
      await runCommand(page, 'Baton: New Chat');
      await frame.locator('.welcome').waitFor();
      assert.equal(await frame.locator('.turn').count(), 0);
      await ask(frame, question);
      await waitForAnswer(frame);
    }

    await runCommand(page, 'Baton: Show Chat History');
    const rows = frame.locator('.history-row');
    await rows.first().waitFor();
    assert.deepEqual((await frame.locator('.history-title').allInnerTexts()).slice(0, 2), ['A second chat', 'A first chat'], 'the newest chat first');
    await screenshot(page, 'chat-history');
    await frame.locator('.history-open', { hasText: 'A first chat' }).click();
    await frame.locator('.history').waitFor({ state: 'hidden' });
    assert.equal(await frame.locator('.question-text').first().innerText(), 'A first chat');

    await runCommand(page, 'Baton: Show Chat History');
    const titles = await frame.locator('.history-title').allInnerTexts();
    await frame.locator('.history-delete[aria-label="Delete “A second chat”"]').click();
    const left = titles.filter((title) => title !== 'A second chat').join('\n');
    await until(async () => (await frame.locator('.history-title').allInnerTexts()).join('\n') === left, { message: 'the deleted chat to leave the list' });
    await frame.locator('.history-back').click();
    await frame.locator('.history').waitFor({ state: 'hidden' });
  });
});
