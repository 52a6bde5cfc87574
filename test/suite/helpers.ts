import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'baton-dev.baton';

/**
 * What the extension publishes for this suite (src/vscode/testHooks.ts): only when the editor runs
 * it under test and the harness sets BATON_TEST_HOOKS=1. Typed loosely: the suite tests the
 * bundle, not src/.
 */
export interface BatonApi {
  logUri: vscode.Uri;
  session: { config: { settings: { models: { id: string; baseUrl: string }[]; defaultModel?: string; timeouts: { idleMs: number } } } };
}

const HOOKS = Symbol.for('baton-dev.baton.testHooks');

/** Activates Baton and returns its test hooks. */
export async function baton(): Promise<BatonApi> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not installed`);
  await extension.activate();
  const hooks = (globalThis as Record<symbol, unknown>)[HOOKS] as BatonApi | undefined;
  if (!hooks) throw new Error('Baton published no test hooks: run the suite through test/e2e/run-host-suite.mjs, which sets BATON_TEST_HOOKS=1');
  return hooks;
}

/** Sets user-level baton.* settings; undefined removes a key. */
export async function setSettings(values: Record<string, unknown>): Promise<void> {
  const config = vscode.workspace.getConfiguration('baton');
  for (const [key, value] of Object.entries(values)) await config.update(key, value, vscode.ConfigurationTarget.Global);
}

export async function resetSettings(): Promise<void> {
  await setSettings({ models: undefined, fallbacks: undefined, defaultModel: undefined, timeouts: undefined, retry: undefined, cooldown: undefined, continuation: undefined, fallbackOnRefusal: undefined });
}

/** Polls until `check` returns a truthy value, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The text of Baton's log file as the extension host wrote it. */
export function readLog(api: BatonApi): string {
  const file = path.join(api.logUri.fsPath, 'Baton.log');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
}
