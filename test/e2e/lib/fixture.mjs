// Mocha glue for UI tests: one fresh editor (with the VSIX installed) and one fresh Chromium per
// describe() that calls useEditor(). On a failed test it saves a screenshot, the browser console
// and the editor's logs under .artifacts/ui/<test>/. Everything is stopped in after(), also when
// a test fails.
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS_DIR, launchBrowser, startEditor } from './editor.mjs';
import { openWorkbench, resetWorkbench } from './workbench.mjs';

/**
 * @typedef {object} EditorFixture
 * @property {import('./editor.mjs').Editor} editor
 * @property {import('./editor.mjs').Browser} browser
 * @property {import('playwright-core').Page} page
 * @property {string[]} consoleLines  the browser console so far ("[type] text")
 */

/**
 * Call inside describe(): starts the editor and browser in before() and opens the workbench.
 * The returned object is filled in before the first test runs.
 * @param {import('./editor.mjs').EditorOptions & { openWorkbench?: boolean,
 *          extraVsix?: string[] | (() => string[]) }} [options]  extraVsix: VSIX files installed beside
 *          Baton's (a function is called in before(), so it may build them)
 * @returns {EditorFixture}
 */
export function useEditor(options = {}) {
  const fixture = /** @type {EditorFixture} */ ({ consoleLines: [] });

  before(async function () {
    this.timeout(180_000);
    const vsix = options.installVsix ?? process.env.BATON_VSIX;
    if (!vsix || vsix.length === 0) throw new Error('no VSIX: run through test/e2e/run-ui-suite.mjs or set BATON_VSIX');
    // extraVsix: more extensions installed beside Baton (a test fixture that uses Baton's API, ...).
    const extra = typeof options.extraVsix === 'function' ? options.extraVsix() : options.extraVsix ?? [];
    fixture.editor = await startEditor({ name: 'ui', ...options, installVsix: [vsix, ...extra].flat() });
    fixture.browser = await launchBrowser();
    fixture.page = fixture.browser.page;
    fixture.page.on('console', (msg) => fixture.consoleLines.push(`[${msg.type()}] ${msg.text()}`));
    fixture.page.on('pageerror', (error) => fixture.consoleLines.push(`[pageerror] ${error.stack ?? error}`));
    if (options.openWorkbench !== false) await openWorkbench(fixture.page, fixture.editor.workbenchUrl());
  });

  // Every test starts from a known workbench: nothing open that an earlier test left behind. When
  // the reset itself cannot get there, the page is reloaded (the extension host stays up).
  beforeEach(async function () {
    if (!fixture.page || options.openWorkbench === false) return;
    this.timeout(90_000);
    try {
      const cleaned = await resetWorkbench(fixture.page);
      if (cleaned.length) console.log(`      (reset: closed ${cleaned.join(', ')})`);
    } catch (error) {
      console.log(`      (reset failed: ${error.message}; reloading the workbench)`);
      await openWorkbench(fixture.page, fixture.editor.workbenchUrl());
      await resetWorkbench(fixture.page);
    }
  });

  afterEach(async function () {
    const test = this.currentTest;
    if (!test || test.state !== 'failed' || !fixture.page) return;
    const slug = test.fullTitle().replace(/[^\w.-]+/g, '-').slice(0, 120);
    const dir = path.join(ARTIFACTS_DIR, 'ui', slug);
    fs.mkdirSync(dir, { recursive: true });
    await fixture.page.screenshot({ path: path.join(dir, 'failure.png') }).catch(() => {});
    fs.writeFileSync(path.join(dir, 'browser-console.log'), fixture.consoleLines.join('\n') + '\n');
    fixture.editor?.saveLogs(path.join(dir, 'editor-logs'));
    console.log(`      artifacts: ${path.relative(process.cwd(), dir)}`);
  });

  after(async function () {
    this.timeout(60_000);
    await Promise.all([fixture.browser?.stop(), fixture.editor?.stop()]);
  });

  return fixture;
}
