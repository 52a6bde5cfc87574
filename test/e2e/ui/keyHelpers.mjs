// Helpers for the UI tests of API keys: store a key as a person does, run Check Models, read and
// answer the modal dialogs Baton shows, and rewrite settings files the way an editor (or a cloned
// repository) would.
import fs from 'node:fs';
import path from 'node:path';
import {
  pickQuickItem, runCommand, submitInputBox, waitForNotification, waitForQuickInput,
} from '../lib/workbench.mjs';
import { until } from './chatHelpers.mjs';

/** Baton: Set API Key → pick the model → type the key into the password box. */
export async function setKeyThroughUi(page, model, key) {
  await runCommand(page, 'Baton: Set API Key');
  await pickQuickItem(page, model);
  await submitInputBox(page, key, { password: true });
  await waitForNotification(page, `key for model "${model}" saved`);
}

/** Runs Baton: Check Models and closes its result list; returns what the list showed. */
export async function checkModels(page) {
  await runCommand(page, 'Baton: Check Models');
  const shown = await waitForQuickInput(page, { timeout: 30_000 });
  await page.keyboard.press('Escape');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  return shown;
}

/** The modal dialog on screen: its message, detail and buttons. */
export async function readDialog(page, timeout = 15_000) {
  const box = page.locator('.monaco-dialog-box');
  await box.waitFor({ state: 'visible', timeout });
  return box.evaluate((el) => ({
    message: el.querySelector('.dialog-message-text')?.textContent?.trim() ?? '',
    detail: el.querySelector('.dialog-message-detail')?.textContent?.trim() ?? '',
    buttons: [...el.querySelectorAll('.dialog-buttons .monaco-button')].map((b) => b.textContent?.trim() ?? ''),
  }));
}

/** Clicks a button of the modal dialog and waits for it to close. */
export async function answerDialog(page, button) {
  const box = page.locator('.monaco-dialog-box');
  await box.locator('.dialog-buttons .monaco-button', { hasText: button }).first().click();
  await box.waitFor({ state: 'hidden' });
}

/**
 * Rewrites the user settings as a person does: Preferences: Open User Settings (JSON), select all,
 * type, save. (code-server does not notice the file changing on disk behind its back.) Waits until
 * Baton's log shows it read settings again, then closes the settings editor.
 */
export async function editUserSettings(page, editor, settings) {
  const readsBefore = countSettingsReads(editor);
  await runCommand(page, 'Preferences: Open User Settings (JSON)');
  await page.locator('.monaco-editor .view-line', { hasText: '"telemetry.telemetryLevel"' }).first().waitFor();
  await page.keyboard.press('Control+A');
  // Pasted, not typed: typing JSON sets off auto-indent and auto-closing brackets.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.evaluate((text) => navigator.clipboard.writeText(text), JSON.stringify(settings, null, 2));
  await page.keyboard.press('Control+V');
  await page.keyboard.press('Control+S');
  await until(() => countSettingsReads(editor) > readsBefore, { timeout: 20_000, message: 'Baton to read the user settings' });
  await closeModalEditor(page);
}

/**
 * The settings editor opens as a modal over the workbench. Its close button, not Escape: a toast
 * that Baton shows on saving (a key found in settings.json) takes the first Escape for itself.
 */
async function closeModalEditor(page) {
  const modal = page.locator('.modal-editor-part');
  await modal.locator('.modal-editor-action-container .codicon-close').first().click();
  await modal.waitFor({ state: 'detached' });
}

/** Writes a workspace settings file on disk, as a clone or a checkout does; waits until Baton read settings again. */
export async function writeSettings(editor, file, settings) {
  const readsBefore = countSettingsReads(editor);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(settings, null, 2));
  await until(() => countSettingsReads(editor) > readsBefore, { timeout: 20_000, message: `Baton to read ${path.basename(path.dirname(file))}/${path.basename(file)}` });
}

function countSettingsReads(editor) {
  return ((editor.readOutputLog('Baton') ?? '').match(/ settings: (\d+ model|baton\.)/g) ?? []).length;
}
