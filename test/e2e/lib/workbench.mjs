// Helpers that drive the VS Code workbench in the browser the way a person would:
// the command palette, the status bar, quick picks and input boxes, webviews, the Output panel.
// Every wait is on a DOM condition, never a fixed sleep.
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS_DIR } from './editor.mjs';

/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('playwright-core').FrameLocator} FrameLocator */

export const EXTENSION_ID = 'baton-dev.baton';
/** The extension stub activates about 16 s after the page opens; leave room on a loaded 2-core box. */
export const ACTIVATION_TIMEOUT_MS = 60_000;

const QUICK_INPUT = '.quick-input-widget';

/**
 * Opens the workbench on `folder` and waits until it is laid out.
 * @param {Page} page
 * @param {string} url  the editor's base URL (editor.url) or a full workbench URL (editor.workbenchUrl())
 * @param {string} [folder]  folder to open when `url` is the base URL
 */
export async function openWorkbench(page, url, folder) {
  const target = folder ? `${url.replace(/\/$/, '')}/?folder=${encodeURIComponent(folder)}` : url;
  await page.goto(target);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.part.statusbar').waitFor({ timeout: 60_000 });
}

/**
 * Runs a command from the F1 palette by its full title, e.g. 'Baton: Show Log'.
 * Clicks the row whose label is exactly the title, so a fuzzy neighbour never runs instead.
 * @param {Page} page
 * @param {string} title
 */
export async function runCommand(page, title) {
  const row = page.locator(`${QUICK_INPUT} .quick-input-list .monaco-list-row`).filter({
    has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }),
  }).first();
  await typeIntoQuickInput(page, 'F1', `>${title}`, row);
  await row.click();
  await waitForQuickInputClosedOrChanged(page, `>${title}`);
}

/**
 * Opens Quick Open (Ctrl+P), types `name` and opens the file; waits until its editor is active.
 * @param {Page} page
 * @param {string} name  a workspace file name, e.g. 'app.ts'
 */
export async function quickOpen(page, name) {
  const row = page.locator(`${QUICK_INPUT} .quick-input-list .monaco-list-row`, { hasText: name }).first();
  await typeIntoQuickInput(page, 'Control+P', name, row);
  await page.locator(`${QUICK_INPUT} .quick-input-box input`).press('Enter');
  await page.locator(`.tab.active[aria-label*="${name}"]`).waitFor();
}

/**
 * Opens the quick input with `key`, types `text` and waits for `row`. A quick input closes when
 * it loses the focus, and a webview that finishes loading can take the focus just after the
 * quick input opened; then the whole step is done again (nothing has run yet at that point).
 */
async function typeIntoQuickInput(page, key, text, row) {
  const input = page.locator(`${QUICK_INPUT} .quick-input-box input`);
  for (let attempt = 1; ; attempt++) {
    await openQuickInput(page, key);
    try {
      await input.fill(text, { timeout: 5_000 });
      await row.waitFor({ timeout: 15_000 });
      if (await input.inputValue() === text) return;
      throw new Error(`the quick input holds "${await input.inputValue()}", not "${text}"`);
    } catch (error) {
      const stillThere = await input.isVisible() && await input.isEditable({ timeout: 500 }).catch(() => false)
        && await input.inputValue().catch(() => '') === text;
      // Still open with the text typed: the row is really missing. Otherwise the input was lost.
      if (stillThere || attempt >= 3) throw error;
      console.log(`      (quick input: "${text}" not usable on attempt ${attempt} (${error.message.split('\n')[0]}); again)`);
    }
  }
}

/**
 * Status bar item DOM id: "<publisher>.<name>.<item id>" for createStatusBarItem(id, ...).
 * @param {string} itemId  the id given to createStatusBarItem, e.g. 'baton.status'
 * @param {string} [extensionId]
 */
export function statusBarItemId(itemId, extensionId = EXTENSION_ID) {
  return `${extensionId}.${itemId}`;
}

/**
 * Waits until the status bar item is visible; returns its locator.
 * @param {Page} page
 * @param {string} domId  full DOM id, see statusBarItemId()
 * @param {{ timeout?: number, text?: string | RegExp }} [options]  text: also wait for this label
 */
export async function waitForStatusBarItem(page, domId, options = {}) {
  const item = page.locator(`.part.statusbar [id="${domId}"]`);
  await item.waitFor({ state: 'visible', timeout: options.timeout ?? ACTIVATION_TIMEOUT_MS });
  if (options.text !== undefined) {
    await item.locator('.statusbar-item-label', { hasText: options.text })
      .waitFor({ timeout: options.timeout ?? ACTIVATION_TIMEOUT_MS });
  }
  return item;
}

/**
 * @typedef {object} StatusBarState
 * @property {string} text          visible label text (codicons are not text; see icons)
 * @property {string[]} icons       codicon names in the label, e.g. ['pulse']
 * @property {string} ariaLabel
 * @property {string} kind          'warning' | 'error' | 'prominent' | 'offline' | 'remote' | 'standard'
 *                                  ('warning' when backgroundColor is statusBarItem.warningBackground)
 * @property {boolean} hasBackground  the item paints its own background colour
 * @property {string} backgroundColor computed CSS colour, e.g. 'rgb(...)' (transparent: 'rgba(0, 0, 0, 0)')
 * @property {string} color         computed text colour
 * @property {boolean} hasCommand   clicking it runs a command
 * @property {string[]} classes
 */

/**
 * Reads what a person sees of a status bar item.
 * @param {Page} page
 * @param {string} domId
 * @returns {Promise<StatusBarState>}
 */
export async function readStatusBar(page, domId) {
  const item = page.locator(`.part.statusbar [id="${domId}"]`);
  await item.waitFor({ state: 'visible', timeout: ACTIVATION_TIMEOUT_MS });
  return item.evaluate((el) => {
    const label = el.querySelector('.statusbar-item-label') ?? el;
    const classes = [...el.classList];
    const kindClass = classes.find((c) => c.endsWith('-kind'));
    const style = getComputedStyle(el);
    return {
      text: (label.textContent ?? '').replace(/\s+/g, ' ').trim(),
      icons: [...label.querySelectorAll('.codicon')].map((i) => [...i.classList].find((c) => c.startsWith('codicon-'))?.slice(8) ?? ''),
      ariaLabel: el.getAttribute('aria-label') ?? label.getAttribute('aria-label') ?? '',
      kind: kindClass ? kindClass.slice(0, -'-kind'.length) : 'standard',
      hasBackground: classes.includes('has-background-color'),
      backgroundColor: style.backgroundColor,
      color: getComputedStyle(label).color,
      hasCommand: classes.includes('has-command'),
      classes,
    };
  });
}

/** Clicks a status bar item (runs its command). */
export async function clickStatusBarItem(page, domId) {
  await page.locator(`.part.statusbar [id="${domId}"] .statusbar-item-label`).click();
}

// ---------------------------------------------------------------------------------------------
// Quick input (quick picks and input boxes shown by the extension)

/**
 * Waits for a quick pick or input box to be shown and returns what it shows.
 * @param {Page} page
 * @param {{ timeout?: number }} [options]
 * @returns {Promise<{ title: string, placeholder: string, prompt: string, password: boolean, items: string[] }>}
 */
export async function waitForQuickInput(page, options = {}) {
  const widget = page.locator(QUICK_INPUT);
  await widget.waitFor({ state: 'visible', timeout: options.timeout ?? 15_000 });
  return widget.evaluate((el) => {
    const input = /** @type {HTMLInputElement | null} */ (el.querySelector('.quick-input-box input'));
    return {
      title: el.querySelector('.quick-input-title')?.textContent?.trim() ?? '',
      placeholder: input?.placeholder ?? '',
      prompt: el.querySelector('.quick-input-message')?.textContent?.trim() ?? '',
      password: input?.type === 'password',
      items: [...el.querySelectorAll('.quick-input-list .monaco-list-row .label-name')].map((n) => n.textContent?.trim() ?? ''),
    };
  });
}

/**
 * Picks the quick pick item whose label is `label` (string: exact; RegExp: matched).
 * Types the label into the filter first so long lists do not hide it.
 * @param {Page} page
 * @param {string | RegExp} label
 */
export async function pickQuickItem(page, label) {
  await page.locator(QUICK_INPUT).waitFor({ state: 'visible', timeout: 15_000 });
  const pattern = typeof label === 'string' ? new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) : label;
  if (typeof label === 'string') await page.locator(`${QUICK_INPUT} .quick-input-box input`).fill(label);
  const row = page.locator(`${QUICK_INPUT} .quick-input-list .monaco-list-row`).filter({
    has: page.locator('.label-name', { hasText: pattern }),
  }).first();
  await row.waitFor({ timeout: 15_000 });
  await row.click();
}

/**
 * Types into the visible input box (showInputBox, password or not) and presses Enter.
 * @param {Page} page
 * @param {string} text
 * @param {{ password?: boolean }} [options]  password: true asserts it is a password box
 */
export async function submitInputBox(page, text, options = {}) {
  const input = page.locator(`${QUICK_INPUT} .quick-input-box input`);
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  if (options.password) {
    await page.locator(`${QUICK_INPUT} .quick-input-box input[type="password"]`).waitFor({ timeout: 15_000 });
  }
  await input.fill(text);
  await input.press('Enter');
}

/** Presses Escape until no quick input is visible. */
export async function dismissQuickInput(page) {
  const widget = page.locator(QUICK_INPUT);
  if (await widget.isVisible()) {
    await page.keyboard.press('Escape');
    await widget.waitFor({ state: 'hidden', timeout: 5_000 });
  }
}

async function openQuickInput(page, key) {
  await dismissQuickInput(page);
  const input = page.locator(`${QUICK_INPUT} .quick-input-box input`);
  // The first F1 after load can be swallowed while the workbench is still wiring keybindings.
  for (let attempt = 0; attempt < 5; attempt++) {
    await page.keyboard.press(key);
    try {
      await input.waitFor({ state: 'visible', timeout: 3_000 });
      if (await input.isEditable({ timeout: 1_000 })) return;
    } catch { /* press again */ }
    await dismissQuickInput(page).catch(() => {});
  }
  throw new Error(`the quick input did not open on ${key}`);
}

/** After picking a command, the palette closes or is replaced by the command's own quick input. */
async function waitForQuickInputClosedOrChanged(page, typed) {
  await page.waitForFunction(([selector, value]) => {
    const widget = document.querySelector(selector);
    if (!widget || getComputedStyle(widget).display === 'none') return true;
    const input = widget.querySelector('.quick-input-box input');
    return !input || input.value !== value;
  }, [QUICK_INPUT, typed], { timeout: 10_000 });
}

/**
 * Waits until the status bar's cursor item reads `text`, e.g. 'Ln 5, Col 26 (25 selected)': what
 * a person glances at to see that the selection is where they meant it.
 */
export async function waitForEditorSelection(page, text, options = {}) {
  const item = page.locator('.part.statusbar [id="status.editor.selection"]');
  await item.filter({ hasText: text }).waitFor({ timeout: options.timeout ?? 5_000 }).catch(async (error) => {
    throw new Error(`the selection is not "${text}": the status bar says "${await item.innerText().catch(() => '?')}" (${error.message.split('\n')[0]})`);
  });
}

// ---------------------------------------------------------------------------------------------
// Context menus

// Monaco draws context menus inside a shadow root ('.shadow-root-host'); Playwright's CSS engine
// pierces open shadow roots, so these selectors reach into it.
const CONTEXT_MENU = '.context-view .monaco-menu';

/** Presses Escape until no context menu is open. */
export async function closeContextMenus(page) {
  const menu = page.locator(CONTEXT_MENU);
  for (let i = 0; i < 5 && await menu.first().isVisible().catch(() => false); i++) {
    await page.keyboard.press('Escape');
    await menu.first().waitFor({ state: 'hidden', timeout: 2_000 }).catch(() => {});
  }
  if (await menu.first().isVisible().catch(() => false)) throw new Error('a context menu stays open after Escape');
}

/**
 * Runs the context-menu item labelled `label` and checks that its command ran. A click on a
 * freshly opened Monaco menu can highlight the item without running it (the menu then stays open
 * and swallows later clicks), so this waits for the menu and the item, clicks, and when `ran`
 * does not become true, chooses the item with the keyboard instead: arrows until it has focus,
 * then Enter. Each attempt starts with no menu open.
 * @param {Page} page
 * @param {object} options
 * @param {(attempt: number) => Promise<void>} options.open  opens the menu (a right click; later
 *        attempts may use the keyboard, Shift+F10)
 * @param {string} options.label  the item's exact label
 * @param {() => Promise<boolean>} options.ran  true once the command's effect is visible
 * @param {number} [options.attempts]
 */
export async function runContextMenuItem(page, { open, label, ran, attempts = 3 }) {
  const menu = page.locator(CONTEXT_MENU).first();
  const item = menu.locator('.action-item:not(.disabled)').filter({
    has: page.locator('.action-label', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }),
  }).first();
  const tried = [];
  for (let attempt = 1; attempt <= attempts; attempt++) {
    await closeContextMenus(page);
    await open(attempt);
    await menu.waitFor({ state: 'visible', timeout: 10_000 });
    await item.waitFor({ state: 'visible', timeout: 10_000 });
    if (attempt === 1) {
      await item.click();
      tried.push('click');
    } else {
      await focusMenuItem(page, menu, label);
      await page.keyboard.press('Enter');
      tried.push('keyboard');
    }
    if (await poll(ran, 5_000)) {
      if (attempt > 1) console.log(`      (context menu: "${label}" ran on attempt ${attempt}, by ${tried.at(-1)}; tried ${tried.join(', ')})`);
      return;
    }
  }
  await closeContextMenus(page).catch(() => {});
  throw new Error(`the context-menu item "${label}" did not run (tried: ${tried.join(', ')})`);
}

/** Moves the menu's keyboard focus onto the item labelled `label`. */
async function focusMenuItem(page, menu, label) {
  const focusedLabel = () => menu.locator('.action-item.focused .action-label').first().innerText({ timeout: 500 }).then((t) => t.trim(), () => '');
  const count = await menu.locator('.action-item:not(.disabled) .action-label').count();
  for (let i = 0; i <= count + 1; i++) {
    if (await focusedLabel() === label) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`the context menu never focused "${label}"`);
}

async function poll(predicate, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate().catch(() => false)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// ---------------------------------------------------------------------------------------------
// A known starting state

const NOTIFICATION_TOAST = '.notification-toast-container .notification-list-item';
const DIALOG = '.monaco-dialog-box';
const TAB = '.part.editor .tabs-container .tab';

/**
 * Brings the workbench back to a known state before a test: no context menu, quick input,
 * dialog, hover or notification open, and no editor open (dirty ones are reverted, never saved).
 * Returns what it had to clean up, for the log. Throws when the state cannot be reached.
 * @param {Page} page
 * @returns {Promise<string[]>}
 */
export async function resetWorkbench(page) {
  const cleaned = [];
  const visible = async (selector) => page.locator(selector).first().isVisible().catch(() => false);
  if (await visible(CONTEXT_MENU)) { await closeContextMenus(page); cleaned.push('context menu'); }
  if (await visible(DIALOG)) {
    await page.keyboard.press('Escape');
    await page.locator(DIALOG).first().waitFor({ state: 'hidden', timeout: 5_000 });
    cleaned.push('dialog');
  }
  if (await visible(QUICK_INPUT)) { await dismissQuickInput(page); cleaned.push('quick input'); }
  if (await visible(NOTIFICATION_TOAST) || await visible('.notifications-center.visible')) {
    await runCommand(page, 'Notifications: Clear All Notifications');
    await page.locator(NOTIFICATION_TOAST).first().waitFor({ state: 'hidden', timeout: 5_000 });
    if (await visible('.notifications-center.visible')) await runCommand(page, 'Notifications: Hide Notifications');
    cleaned.push('notifications');
  }
  const tabs = page.locator(TAB);
  if (await tabs.count() > 0) {
    cleaned.push(`${await tabs.count()} editor(s)`);
    // One at a time, reverting: a test's unsaved changes must never reach the disk of the next.
    for (let i = 0; i < 30 && await tabs.count() > 0; i++) {
      const before = await tabs.count();
      await runCommand(page, 'View: Revert and Close Editor');
      await page.waitForFunction(([selector, n]) => document.querySelectorAll(selector).length < n, [TAB, before], { timeout: 5_000 })
        .catch(() => {});
    }
    if (await tabs.count() > 0) throw new Error(`${await tabs.count()} editor(s) would not close`);
  }
  for (const [selector, what] of [[CONTEXT_MENU, 'a context menu'], [QUICK_INPUT, 'a quick input'], [DIALOG, 'a dialog'], [NOTIFICATION_TOAST, 'a notification']]) {
    if (await visible(selector)) throw new Error(`the workbench still shows ${what} after the reset`);
  }
  return cleaned;
}

// ---------------------------------------------------------------------------------------------
// Webviews, notifications, output

/**
 * The content frame of an extension's webview (view or panel): two nested iframes, the host
 * frame, then #active-frame holding the extension's HTML.
 * @param {Page} page
 * @param {string} [extensionId]
 * @returns {FrameLocator}
 */
export function webviewFrame(page, extensionId = EXTENSION_ID) {
  return page.frameLocator(`iframe.webview.ready[src*="extensionId=${extensionId}"]`).frameLocator('#active-frame');
}

/**
 * Waits for a notification toast whose message matches `text`; returns its locator
 * (its buttons: `.locator('.monaco-button', { hasText: 'Retry' })`).
 * @param {Page} page
 * @param {string | RegExp} text
 */
export async function waitForNotification(page, text, options = {}) {
  const toast = page.locator('.notification-toast-container .notification-list-item').filter({
    has: page.locator('.notification-list-item-message', { hasText: text }),
  }).first();
  await toast.waitFor({ state: 'visible', timeout: options.timeout ?? 15_000 });
  return toast;
}

// The Output view has two channel pickers: one in the panel's title bar and one in the view's own
// header (hidden while the view is alone in the panel). Read the one that is on screen.
const OUTPUT_SELECT = '.part.panel[data-active-composite="workbench.panel.output"] select[aria-label="Switch Output"]';

/**
 * Name of the channel shown in the Output panel, or undefined when the panel is not visible.
 * @param {Page} page
 * @returns {Promise<string | undefined>}
 */
export async function visibleOutputChannel(page) {
  return page.evaluate((selector) => {
    const shown = [...document.querySelectorAll(selector)].find((el) => /** @type {HTMLElement} */ (el).offsetParent !== null);
    return shown ? /** @type {HTMLSelectElement} */ (shown).value : undefined;
  }, OUTPUT_SELECT);
}

/**
 * Waits until the Output panel shows `channel`.
 * @param {Page} page
 * @param {string} channel
 * @param {{ timeout?: number }} [options]
 */
export async function waitForOutputChannel(page, channel, options = {}) {
  await page.waitForFunction(([selector, name]) =>
    [...document.querySelectorAll(selector)].some((el) =>
      /** @type {HTMLElement} */ (el).offsetParent !== null && /** @type {HTMLSelectElement} */ (el).value === name),
  [OUTPUT_SELECT, channel], { timeout: options.timeout ?? 15_000 });
}

/**
 * Shows `channel` in the Output panel (through "Output: Show Output Channels...") and returns
 * the lines its editor renders. Monaco renders only the lines in view, so for a long log prefer
 * the editor handle's readOutputLog(name), which reads the file the extension host writes.
 * @param {Page} page
 * @param {string} channel
 * @returns {Promise<string>}
 */
export async function readOutputChannel(page, channel) {
  if ((await visibleOutputChannel(page)) !== channel) {
    await runCommand(page, 'Output: Show Output Channels...');
    await pickQuickItem(page, channel);
    await waitForOutputChannel(page, channel);
  }
  return page.locator('.part.panel .view-lines').first().evaluate((el) =>
    [...el.querySelectorAll('.view-line')]
      .map((line) => ({ top: parseFloat(/** @type {HTMLElement} */ (line).style.top) || 0, text: line.textContent ?? '' }))
      .sort((a, b) => a.top - b.top)
      .map((l) => l.text.replace(/\u00a0/g, ' '))
      .join('\n'));
}

// ---------------------------------------------------------------------------------------------
// Artifacts

/**
 * Saves a full-page screenshot to .artifacts/screenshots/<name>.png and prints the path.
 * @param {Page} page
 * @param {string} name
 * @returns {Promise<string>} the file path
 */
export async function screenshot(page, name) {
  const dir = path.join(ARTIFACTS_DIR, 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file, animations: 'disabled' });
  console.log(`      screenshot: ${path.relative(process.cwd(), file) || file}`);
  return file;
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
