import * as vscode from 'vscode';

/**
 * The environment variable the in-editor test harness (test/e2e/run-host-suite.mjs) sets on
 * code-server. Environment variables set there reach the extension host.
 */
export const TEST_HOOKS_ENV = 'BATON_TEST_HOOKS';

/** Where the host suite finds the hooks: a global symbol, since the suite is not a client of our exports. */
export const TEST_HOOKS_SYMBOL = Symbol.for('baton-dev.baton.testHooks');

/**
 * Whether test-only behaviour is on: the editor runs Baton as the extension under test
 * (`extensionMode` is `Test` only when it was launched with `--extensionTestsPath`) AND the harness
 * asked for hooks. An installed Baton (mode `Production`) never has them, whatever the environment
 * says, so no other extension can reach them in a real editor.
 */
export function testHooksEnabled(context: vscode.ExtensionContext): boolean {
  return context.extensionMode === vscode.ExtensionMode.Test && process.env[TEST_HOOKS_ENV] === '1';
}

/**
 * Publishes `hooks` for the host suite when {@link testHooksEnabled}; otherwise does nothing.
 * Nothing goes into `activate()`'s return value: that is readable by every extension.
 */
export function publishTestHooks(context: vscode.ExtensionContext, hooks: object): vscode.Disposable {
  if (!testHooksEnabled(context)) return new vscode.Disposable(() => undefined);
  const global = globalThis as Record<symbol, unknown>;
  global[TEST_HOOKS_SYMBOL] = hooks;
  return new vscode.Disposable(() => {
    if (global[TEST_HOOKS_SYMBOL] === hooks) delete global[TEST_HOOKS_SYMBOL];
  });
}
