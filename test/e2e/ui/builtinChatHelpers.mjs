// Driving VS Code's built-in Chat (the open-source Copilot Chat extension that code-server 4.139
// ships) with Baton's models, as a person would: "Chat: Manage Language Models", a chat editor,
// the mode and model pickers, the input box, and the rendered answer.
import { pickQuickItem, runCommand } from '../lib/workbench.mjs';
import { until } from './chatHelpers.mjs';

/** The chat editor opened by "Chat: New Chat Editor" (a fresh session each time). */
const EDITOR_CHAT = '.part.editor';

/**
 * Runs "Chat: Manage Language Models" and waits until it lists every one of `ids` from Baton,
 * then closes it. Returns the rows' accessible labels ("primary from Baton. Context size: ...").
 * With no GitHub sign-in this is what switches the built-in chat on for contributed models.
 */
export async function manageLanguageModels(page, ids) {
  await runCommand(page, 'Chat: Manage Language Models');
  const rows = page.locator('.monaco-list-row[aria-label*=" from Baton."]');
  await until(async () => (await rows.count()) >= ids.length, { timeout: 45_000, message: `the Language Models editor to list ${ids.join(', ')}` });
  const labels = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  // The editor is modal; a click outside it closes it.
  await page.locator('.monaco-modal-editor-block').click({ position: { x: 5, y: 5 } });
  await page.locator('.monaco-modal-editor-block').waitFor({ state: 'detached', timeout: 10_000 });
  return labels;
}

/**
 * Waits until Copilot Chat has taken over the chat: before that, a request goes to its setup
 * agent, which asks for a GitHub sign-in. It logs this line once a contributed (BYOK) model
 * is known and its contributions are active.
 */
export async function waitForChatReady(editor) {
  await until(() => editor.readOutputLog('GitHub Copilot Chat', 'GitHub.copilot-chat')?.includes('ConversationFeature: Activating contributions'),
    { timeout: 60_000, interval: 250, message: 'Copilot Chat to activate its contributions for contributed models' });
}

/** Opens a new chat editor in `mode` ('Ask', 'Agent') with the Baton model `modelId` picked. */
export async function newChat(page, { mode, modelId }) {
  await runCommand(page, 'Chat: New Chat Editor');
  const input = page.locator(`${EDITOR_CHAT} .interactive-input-part`);
  await input.waitFor({ timeout: 20_000 });
  const modePicker = input.locator('.chat-mode-picker-item .action-label');
  if ((await modePicker.innerText()).trim() !== mode) {
    await choose(page, () => modePicker.click(), page.locator('.monaco-list-row.action', { hasText: new RegExp(`^${mode}`) }),
      async () => (await modePicker.innerText()).trim() === mode, `the ${mode} mode`);
  }
  const modelPicker = input.locator('.model-picker-name');
  await choose(page, async () => {
    await modelPicker.click();
    await page.keyboard.type(modelId);
  }, page.locator(`.monaco-list-row[aria-label^="${modelId}, "]`), async () => (await modelPicker.innerText()).trim() === modelId, `the model ${modelId}`);
  return input;
}

/**
 * Opens a picker and clicks one of its rows, then checks that the choice took. A picker of a chat
 * editor that has just opened was seen to close under the pointer (its row detached mid-click);
 * the choice is then made again, from a closed picker, up to three times.
 */
async function choose(page, open, row, took, what) {
  for (let attempt = 1; ; attempt++) {
    try {
      await open();
      await row.click({ timeout: 5_000 });
      await until(took, { timeout: 5_000, message: what });
      return;
    } catch (error) {
      if (attempt === 3) throw new Error(`could not choose ${what}: ${error.message}`);
      await page.keyboard.press('Escape');
    }
  }
}

/** Attaches a workspace file through Add Context… > Files & Folders…, as a person would. */
export async function attachFile(page, name) {
  await page.locator(`${EDITOR_CHAT} .interactive-input-part .codicon-add-compact`).click();
  await pickQuickItem(page, /Files & Folders/);
  await page.locator('.quick-input-widget .quick-input-box input').fill(name);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first().click();
  await page.locator(`${EDITOR_CHAT} .interactive-input-part .chat-attached-context`, { hasText: name }).waitFor({ timeout: 10_000 });
}

/** Types the question and presses Enter; returns the response row once it has completed. */
export async function send(page, text, { timeout = 60_000 } = {}) {
  const responses = page.locator(`${EDITOR_CHAT} .monaco-list-row.response`);
  const before = await responses.count();
  await page.locator(`${EDITOR_CHAT} .interactive-input-part .interactive-input-editor`).click();
  // A sticky participant (@baton) stays in the box after its answer; start from an empty box.
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  // A trailing space closes the completion list a "/command" opens, so it cannot take the Enter.
  await page.keyboard.type(/\/\w+$/.test(text) ? `${text} ` : text);
  await page.keyboard.press('Enter');
  await until(async () => (await responses.count()) > before, { timeout: 30_000, message: 'the response to start' });
  const row = responses.last();
  // The footer's completion time appears once the response is complete (answered or failed).
  await row.locator('time.chat-response-completed-at').waitFor({ timeout });
  return row;
}

/** The rendered paragraphs of a response, each as its text, in order. */
export async function paragraphs(row) {
  return row.locator('.rendered-markdown p').evaluateAll((ps) => ps.map((p) => p.textContent));
}
