import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useEditor } from '../lib/fixture.mjs';
import { pickQuickItem, quickOpen, runCommand, runContextMenuItem, screenshot, waitForEditorSelection } from '../lib/workbench.mjs';
import {
  FaultServer, answer, answerText, ask, chatFrame, chatSettings, continuer, deltas, failingAt, openChat, panelScreenshot, slowAnswer,
  stream, until, waitForAnswer,
} from './chatHelpers.mjs';

const SSE = { headers: { 'content-type': 'text/event-stream' } };
const SOURCE = ['export function greet(name: string): string {', '  return `Hello, ${name}`;', '}', '', 'export const answer = 41;', ''].join('\n');
const CODE = 'export const answer = 42;';
const CODE_ANSWER = `Change the constant:\n\n\`\`\`ts\n${CODE}\n\`\`\`\n`;

const RICH = `## Retrying with backoff

The router retries **before the first token** only; after it, a failure hands the answer to the next model, which continues from the exact character where the first one stopped. See [the docs](https://example.com/baton) for the details.

\`\`\`ts
export async function withRetry<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run(); // the happy path
    } catch (error) {
      if (attempt >= attempts) throw error;
      await sleep(2 ** attempt * 100);
    }
  }
}
\`\`\`

- Retries are quiet: the user sees nothing but a short delay.
- A handover is shown: a marker at the seam and the backup in the status bar.
- \`maxHandovers\` bounds how many times one answer may move.
`;

/** Quick Open a workspace file and wait for its editor. */
async function openFile(page, name) {
  await quickOpen(page, name);
  const editor = page.locator('.editor-instance .monaco-editor').first();
  await editor.locator('.view-lines').click();
  return editor;
}

/** Saves the active editor and returns the file as it is on disk. */
async function saveAndRead(page, file, expected) {
  // A click, as a person would: a script's focus() does not always take the keyboard back from
  // the chat webview's frame.
  await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+S');
  return until(() => {
    const text = fs.readFileSync(file, 'utf8');
    return expected === undefined || expected(text) ? text : undefined;
  }, { message: `${path.basename(file)} to be saved` });
}

/** Makes the side bar wider, for screenshots that show the panel at a comfortable width. */
async function widenSideBar(page, width = 460) {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box || box.width >= width) return;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width + 1, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 8 });
  await page.mouse.up();
}

describe('chat: context from the editor, code actions on a real editor, persistence and themes', function () {
  let server;
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-chat-ws-'));
  const file = path.join(workspace, 'app.ts');
  fs.writeFileSync(file, SOURCE);
  // The code actions write to their own file, so app.ts stays as every test expects it.
  const applyFile = path.join(workspace, 'apply.ts');
  fs.writeFileSync(applyFile, SOURCE);
  const userSettings = {};
  before(async function () {
    server = await FaultServer.start();
    chatSettings(userSettings, server.url, { 'workbench.colorTheme': 'Default Dark Modern' });
  });
  after(async () => {
    await server?.close();
    fs.rmSync(workspace, { recursive: true, force: true });
  });
  const fixture = useEditor({ userSettings, workspace });

  it('"Ask About Selection" from the editor context menu sends the selection with its file name and language', async function () {
    const { page } = fixture;
    server.on('/primary', stream(answer('openai', deltas('It greets by name.', 4)), SSE));
    await openChat(page);
    const editor = await openFile(page, 'app.ts');
    await page.keyboard.press('Control+Home');
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+ArrowDown');
    await waitForEditorSelection(page, 'Ln 4, Col 1 (75 selected)');
    const frame = chatFrame(page);
    const chip = frame.locator('.composer-chips .chip');
    await runContextMenuItem(page, {
      label: 'Ask About Selection',
      // The selection is on lines 1-3: a right click there keeps it; later tries use the keyboard.
      open: (attempt) => (attempt === 1
        ? editor.locator('.view-lines').click({ button: 'right', position: { x: 40, y: 8 } })
        : editor.locator('textarea').first().press('Shift+F10')),
      ran: () => chip.filter({ hasText: 'app.ts:1-3' }).isVisible(),
    });
    assert.equal(await chip.innerText(), 'app.ts:1-3');
    assert.equal(await frame.locator('.composer textarea').evaluate((el) => el === document.activeElement), true, 'the input has focus');
    await frame.locator('.composer textarea').pressSequentially('What does this do?');
    await frame.locator('.composer textarea').press('Enter');
    await waitForAnswer(frame);

    const content = server.requests('/primary').at(-1).body.messages.at(-1).content;
    assert.match(content, /`app\.ts` \(typescript\)/);
    assert.ok(content.includes(SOURCE.split('\n').slice(0, 3).join('\n')), 'the selected lines are sent');
    assert.ok(!content.includes('answer = 41'), 'only the selection is sent');
    assert.ok(content.endsWith('What does this do?'));
    assert.equal(await frame.locator('.turn.question').last().locator('.chip').innerText(), 'app.ts:1-3', 'the message shows what was attached');
    assert.equal(await frame.locator('.composer-chips .chip').count(), 0, 'the attachment went with the question');
  });

  it('the active file is attached in one click', async function () {
    const { page } = fixture;
    const frame = await openChat(page);
    await openFile(page, 'app.ts');
    server.on('/primary', stream(answer('openai', deltas('A small module.', 4)), SSE));
    const attach = frame.locator('.attach-file');
    await attach.waitFor();
    assert.equal(await attach.innerText(), 'app.ts');
    await attach.click();
    await frame.locator('.composer-chips .chip', { hasText: 'app.ts' }).waitFor();
    await ask(frame, 'Summarize the file');
    await waitForAnswer(frame);
    const content = server.requests('/primary').at(-1).body.messages.at(-1).content;
    assert.ok(content.includes(SOURCE), `the whole file is sent: ${content}`);
    assert.match(content, /File `app\.ts` \(typescript\)/);
  });

  it('Copy, Insert at Cursor and Apply to Selection act on the editor; Apply is one undo step', async function () {
    const { page } = fixture;
    await fixture.browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: fixture.editor.url });
    const frame = await openChat(page);
    server.on('/primary', stream(answer('openai', deltas(CODE_ANSWER, 4)), SSE));
    await ask(frame, 'Bump the constant');
    const answerEl = await waitForAnswer(frame);
    const block = answerEl.locator('.baton-code');

    // Insert at Cursor: at the end of the file.
    await openFile(page, 'apply.ts');
    await page.keyboard.press('Control+End');
    await block.locator('button[data-action="insert"]').click();
    let text = await saveAndRead(page, applyFile, (t) => t.includes(CODE));
    assert.equal(text, `${SOURCE}${CODE}`);

    // Apply to Selection: replaces line 5, as one edit that one undo takes back. The click on
    // Insert left the focus in the panel: click into the editor first, as a person would.
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Home');
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Shift+End');
    await waitForEditorSelection(page, 'Ln 5, Col 26 (25 selected)');
    await block.locator('button[data-action="apply"]').click();
    text = await saveAndRead(page, applyFile, (t) => !t.includes('41'));
    assert.equal(text, `${SOURCE.replace('export const answer = 41;', CODE)}${CODE}`);
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Z');
    text = await saveAndRead(page, applyFile, (t) => t.includes('41'));
    assert.equal(text, `${SOURCE}${CODE}`, 'one undo restores the selection');

    // Copy: the code is on the system clipboard.
    await page.evaluate(() => navigator.clipboard.writeText('something else'));
    await block.locator('button[data-action="copy"]').click();
    await frame.locator('.notice', { hasText: 'Copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), CODE);
  });

  it('the chat survives a window reload; an answer cut by the reload says so', async function () {
    const { page } = fixture;
    const frame = await openChat(page);
    const questions = await frame.locator('.question-text').allInnerTexts();
    server.on('/primary', slowAnswer('openai', RICH, { deltaSize: 3, delayMs: 30, then: 'stall' }));
    await ask(frame, 'Stream something long');
    await until(async () => (await answerText(frame.locator('.turn.answer').last())).length > 80, { message: 'some streamed text' });
    await new Promise((resolve) => setTimeout(resolve, 1_800)); // past the save interval

    await runCommand(page, 'Developer: Reload Window');
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const reloaded = await openChat(page);
    await reloaded.locator('.turn.question').first().waitFor();
    assert.deepEqual(await reloaded.locator('.question-text').allInnerTexts(), [...questions, 'Stream something long']);
    const cut = reloaded.locator('.turn.answer').last();
    assert.equal(await cut.getAttribute('data-status'), 'interrupted');
    assert.match(await cut.locator('.answer-after').innerText(), /Interrupted/);
    assert.ok((await answerText(cut)).length > 40, 'the partial answer was kept');
    assert.ok(await cut.locator('button[data-action="regenerate"]').isVisible(), 'it can be asked again');
  });

  it('looks native in dark, light and high-contrast themes (screenshots)', async function () {
    const { page } = fixture;
    const frame = await openChat(page);
    await runCommand(page, 'Baton: New Chat');
    await frame.locator('.welcome').waitFor();
    await widenSideBar(page);
    const at = RICH.indexOf('continues from') + 5;
    server.on('/primary', failingAt('openai', RICH, at, 'reset'));
    server.on('/backup', continuer('anthropic', RICH));
    await ask(frame, 'How does Baton retry, and what happens after the first token?');
    await waitForAnswer(frame);
    assert.equal(await frame.locator('.baton-seam').count(), 1);
    await frame.locator('.composer textarea').fill('Can it also restart the answer instead?');

    for (const [theme, bodyClass, name] of [
      ['Dark Modern', 'vscode-dark', 'dark'],
      ['Light Modern', 'vscode-light', 'light'],
      ['Dark High Contrast', 'vscode-high-contrast', 'high-contrast'],
      ['Light High Contrast', 'vscode-high-contrast-light', 'high-contrast-light'],
    ]) {
      await runCommand(page, 'Preferences: Color Theme');
      await pickQuickItem(page, theme);
      await until(async () => (await frame.locator('body').getAttribute('class'))?.split(' ').includes(bodyClass), { message: `the ${theme} theme` });
      await page.waitForTimeout(300); // the workbench repaints after the webview
      await screenshot(page, `chat-theme-${name}`);
      await panelScreenshot(page, `chat-panel-${name}`);
      const colors = await frame.locator('.hljs-keyword').first().evaluate((el) => getComputedStyle(el).color);
      const plain = await frame.locator('.baton-code pre code').first().evaluate((el) => getComputedStyle(el).color);
      assert.notEqual(colors, plain, `${theme}: keywords have their own colour`);
    }
    // Back to the theme this editor started with, for whatever runs next.
    await runCommand(page, 'Preferences: Color Theme');
    await pickQuickItem(page, 'Dark Modern');
    await until(async () => (await frame.locator('body').getAttribute('class'))?.split(' ').includes('vscode-dark'), { message: 'the Dark Modern theme' });
  });
});
