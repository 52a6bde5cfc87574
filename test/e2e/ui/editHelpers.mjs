// Helpers for the inline-edit UI tests: open a file, select lines, start an edit, watch its
// CodeLens, and read the file back from disk. Every wait is on a DOM condition.
import fs from 'node:fs';
import path from 'node:path';
import { quickOpen, runCommand, waitForQuickInput } from '../lib/workbench.mjs';

/** @typedef {import('playwright-core').Page} Page */

const QUICK_INPUT = '.quick-input-widget';
const EDITOR = '.editor-group-container.active .monaco-editor:not(.inline-chat-widget)';

/**
 * Scripted model replies in the OpenAI wire format, one frame per read when `delayMs` is set.
 * @param {typeof import('../../../out/test/support/wire.js')} wire
 * @param {typeof import('../../../out/test/support/scripts.js')} scripts
 */
export function replyScript(wire, scripts, text, delayMs) {
  const frames = wire.answer('openai', wire.deltas(text, 5));
  const cuts = [];
  let at = 0;
  for (const frame of frames) cuts.push((at += Buffer.byteLength(frame)));
  return scripts.stream(frames, { headers: { 'content-type': wire.WIRES.openai.contentType }, delayMs, cuts: delayMs ? cuts : undefined });
}

/** Opens `name` from the workspace through Quick Open and waits until its editor has focus. */
export async function openFile(page, name) {
  await quickOpen(page, name);
  await page.locator(`${EDITOR} .view-lines`).first().click();
}

/** Moves the cursor to the start of 1-based line `line` (Go to Line). */
export async function goToLine(page, line) {
  await runCommand(page, 'Go to Line/Column...');
  const input = page.locator(`${QUICK_INPUT} .quick-input-box input`);
  await input.fill(`:${line}:1`);
  await input.press('Enter');
  await page.locator(QUICK_INPUT).waitFor({ state: 'hidden' });
}

/** Selects whole 1-based lines `first`..`last` the way a person does: from the start, Shift+Down. */
export async function selectLines(page, first, last) {
  await goToLine(page, first);
  for (let line = first; line <= last; line++) await page.keyboard.press('Shift+ArrowDown');
}

/**
 * Starts `Baton: Edit Selection` from the palette, checks the prompt names what will be edited,
 * types the instruction and presses Enter once the list shows it.
 * @returns {Promise<{ title: string, placeholder: string, items: string[] }>} what the input showed first
 */
export async function startEdit(page, instruction, { via = 'palette' } = {}) {
  if (via === 'palette') await runCommand(page, 'Baton: Edit Selection');
  else if (via === 'keybinding') {
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+E');
  }
  const shown = await waitForQuickInput(page);
  const input = page.locator(`${QUICK_INPUT} .quick-input-box input`);
  await input.fill(instruction);
  await page.locator(`${QUICK_INPUT} .quick-input-list .monaco-list-row`, { hasText: instruction }).first().waitFor();
  await input.press('Enter');
  await page.locator(QUICK_INPUT).waitFor({ state: 'hidden' });
  return shown;
}

/** The CodeLens link or label whose text matches, above the pending edit. */
export function lens(page, text) {
  return page.locator(`${EDITOR} .codelens-decoration`).locator('a, span', { hasText: text }).first();
}

/** Waits until the edit has finished streaming: its Accept lens is shown. */
export async function waitForPendingEdit(page, timeout = 30_000) {
  await lens(page, 'Accept').waitFor({ timeout });
}

/**
 * The lines in the active editor's viewport, each with the background Baton's diff decoration
 * gives it ('' when none): added and removed lines have the theme's two diff colours.
 * @returns {Promise<{ text: string, background: string }[]>}
 */
export async function visibleDiff(page) {
  return page.locator(EDITOR).first().evaluate((editor) => {
    const top = (el) => parseFloat(el.style.top) || 0;
    const backgrounds = [...editor.querySelectorAll('.view-overlays > div')].map((row) => {
      const decoration = [...row.children].find((child) => [...child.classList].some((c) => c.startsWith('ced-')) && getComputedStyle(child).backgroundColor !== 'rgba(0, 0, 0, 0)');
      return { top: top(row), background: decoration ? getComputedStyle(decoration).backgroundColor : '' };
    });
    return [...editor.querySelectorAll('.view-lines .view-line')]
      .map((el) => ({ top: top(el), text: (el.textContent ?? '').replace(/\u00a0/g, ' ') }))
      .sort((a, b) => a.top - b.top)
      .map((line) => ({ text: line.text, background: backgrounds.find((b) => Math.abs(b.top - line.top) < 1)?.background ?? '' }));
  });
}

/**
 * Saves the active editor (Ctrl+S) and returns the file's text as it is on disk. The editor may
 * still be applying the last step (Accept is a few round trips), so it saves and reads again until
 * `until` holds or `timeout` passes, and returns the last text read either way.
 */
export async function saveAndRead(page, file, until = () => true, timeout = 5_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    await page.keyboard.press('Control+S');
    await page.locator('.tab.active.dirty').waitFor({ state: 'detached', timeout: 10_000 });
    const text = fs.readFileSync(file, 'utf8');
    if (until(text) || Date.now() > deadline) return text;
    await page.waitForTimeout(100);
  }
}

/**
 * Waits for the banner Baton shows at the end of the edit's first line while it streams. It is
 * decoration text, drawn by CSS (::after), so it is read from the computed style.
 */
export async function waitForBanner(page, text, timeout = 15_000) {
  await page.waitForFunction(([selector, wanted]) => [...document.querySelectorAll(`${selector} .view-lines span[class*="ced-"]`)]
    .some((span) => getComputedStyle(span, '::after').content.includes(wanted)), [EDITOR, text], { timeout });
}

/** Writes the workspace's files and returns their paths. */
export function writeWorkspace(dir, files) {
  fs.mkdirSync(dir, { recursive: true });
  return Object.fromEntries(Object.entries(files).map(([name, text]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return [name, file];
  }));
}
