// Helpers for the chat panel's UI tests: a fault server playing the models, settings that point
// Baton at it, and ways to drive and read the chat webview as a person would.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO_ROOT } from '../lib/editor.mjs';
import { runCommand, statusBarItemId, waitForStatusBarItem, webviewFrame } from '../lib/workbench.mjs';

export const STATUS = statusBarItemId('baton.status');

const require = createRequire(import.meta.url);
const support = (name) => {
  const file = path.join(REPO_ROOT, 'out/test/support', `${name}.js`);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run npx tsc -p . first`);
  return require(file);
};

/** @type {typeof import('../../support/faultServer')} */
export const { FaultServer } = support('faultServer');
/** @type {typeof import('../../support/scripts')} */
export const { stream, httpError } = support('scripts');
/** @type {typeof import('../../support/wire')} */
export const { WIRES, answer, deltas } = support('wire');
/** @type {typeof import('../../support/continuer')} */
export const { continuer, failingAt, turns } = support('continuer');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Settings for a primary (OpenAI protocol) and a backup (Anthropic protocol) on the fault server,
 * with timeouts short enough for tests. The server URL is only known in before(), so the settings
 * object is filled in place.
 */
export function chatSettings(target, serverUrl, extra = {}) {
  Object.assign(target, {
    'baton.models': [
      { id: 'primary', provider: 'openai', model: 'm', baseUrl: `${serverUrl}/primary/v1` },
      { id: 'backup', provider: 'anthropic', model: 'm', baseUrl: `${serverUrl}/backup/v1` },
    ],
    'baton.fallbacks': { primary: ['backup'] },
    'baton.timeouts': { firstTokenMs: 8000, idleMs: 4000, totalMs: 60000 },
    'baton.retry': { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 },
    'baton.cooldown': { failureThreshold: 100, cooldownMs: 0 },
    ...extra,
  });
  return target;
}

/** A complete answer in the protocol's wire format, streamed in deltas with a pause between frames. */
export function slowAnswer(protocol, text, { deltaSize = 6, delayMs = 15, then = 'end' } = {}) {
  const wire = WIRES[protocol];
  const frames = [...wire.head(), ...deltas(text, deltaSize).map((d) => wire.delta(d)), ...(then === 'end' ? wire.tail() : [])];
  return async (_req, res) => {
    res.writeHead(200, { 'content-type': wire.contentType, 'cache-control': 'no-cache' });
    res.flushHeaders();
    for (const frame of frames) {
      if (res.destroyed) return;
      res.write(frame);
      await sleep(delayMs);
    }
    if (then === 'end') res.end();
    else while (!res.destroyed) await sleep(50);
  };
}

/** The chat webview's content frame. */
export const chatFrame = (page) => webviewFrame(page);

/** Opens the panel through the palette and waits until the webview shows its input box. */
export async function openChat(page) {
  // The palette lists a command only once the extension is known; wait for its status item first.
  await waitForStatusBarItem(page, STATUS);
  await runCommand(page, 'Baton: Open Chat');
  const frame = chatFrame(page);
  await frame.locator('.composer textarea').waitFor({ timeout: 30_000 });
  return frame;
}

/** Types a question and presses Enter, as a person would; returns once its answer has appeared. */
export async function ask(frame, text) {
  const answers = await frame.locator('.turn.answer').count();
  const input = frame.locator('.composer textarea');
  await input.click();
  await input.fill(text);
  await input.press('Enter');
  await until(async () => (await frame.locator('.turn.answer').count()) > answers, { message: 'the answer to start' });
}

/** Clicks something that replaces the last answer (Retry, Regenerate) and waits for the new one to start. */
export async function replaceLastAnswer(frame, click) {
  const last = frame.locator('.turn.answer').last();
  const before = await last.getAttribute('data-turn-id');
  await click();
  await until(async () => (await last.getAttribute('data-turn-id').catch(() => before)) !== before, { message: 'a new answer' });
}

/** The last answer, once its status is one of `statuses`. */
export async function waitForAnswer(frame, statuses = ['done'], timeout = 30_000) {
  const answerEl = frame.locator('.turn.answer').last();
  await until(async () => statuses.includes(await answerEl.getAttribute('data-status', { timeout: 1_000 }).catch(() => null)),
    { timeout, message: `the last answer to be ${statuses.join(' or ')}` });
  return answerEl;
}

/** What the answer reads as: its rendered text, without the labels of seam markers. */
export async function answerText(answerEl) {
  return answerEl.locator('.markdown').evaluate((root) => {
    const clone = root.cloneNode(true);
    for (const marker of clone.querySelectorAll('.baton-seam, .baton-seam-line, .caret, .code-header')) marker.remove();
    return clone.textContent ?? '';
  });
}

/**
 * The answer exactly as the panel holds it, every space and newline: what its Copy Answer button
 * puts on the clipboard. A sentinel on the clipboard first, so an earlier copy is never read.
 */
export async function copiedAnswer(fixture, answerEl) {
  const { page } = fixture;
  await fixture.browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: fixture.editor.url });
  const sentinel = `not copied yet ${Date.now()}`;
  await page.evaluate((text) => navigator.clipboard.writeText(text), sentinel);
  await answerEl.locator('[data-action="copyAnswer"]').click();
  let copied = sentinel;
  await until(async () => (copied = await page.evaluate(() => navigator.clipboard.readText())) !== sentinel,
    { timeout: 5_000, message: 'Copy Answer to fill the clipboard' });
  return copied;
}

/** The text of each rendered paragraph of the answer, exactly, without seam marker labels. */
export async function renderedParagraphs(answerEl) {
  return answerEl.locator('.markdown').evaluate((root) => {
    const clone = root.cloneNode(true);
    for (const marker of clone.querySelectorAll('.baton-seam, .baton-seam-line, .caret')) marker.remove();
    return [...clone.querySelectorAll('p')].map((p) => p.textContent);
  });
}

/** Saves a screenshot of the side bar alone (the chat panel at 1:1) to .artifacts/screenshots/<name>.png. */
export async function panelScreenshot(page, name) {
  const dir = path.join(REPO_ROOT, '.artifacts/screenshots');
  fs.mkdirSync(dir, { recursive: true });
  const box = await page.locator('.part.sidebar').boundingBox();
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, clip: box, animations: 'disabled' });
  console.log(`      screenshot: ${path.relative(process.cwd(), file)}`);
  return file;
}

/** Waits until `predicate()` is truthy, polling; for conditions outside the DOM (server state, files). */
export async function until(predicate, { timeout = 15_000, interval = 50, message = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${message}`);
    await sleep(interval);
  }
}

export { sleep };
