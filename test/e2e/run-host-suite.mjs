// Runs the in-editor mocha suite (out/test/suite/index.js) inside the extension host of a real
// VS Code (code-server), loading the extension from this repository as a development extension.
//
//   node test/e2e/run-host-suite.mjs            (npm run test:host)
//   BATON_SUITE_GREP=activation npm run test:host
//
// Expects `npm run build` and `tsc -p .` to have run; runs them itself only when dist/extension.js
// or out/test/suite/index.js is missing. Exits with the suite's code (0: all passed).
// Env: BATON_HOST_TIMEOUT_MS (default 240000, counted from the workbench opening), BATON_E2E_VERBOSE=1 (forward the browser console),
//      BATON_E2E_KEEP=1 (keep the editor's run dir).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS_DIR, REPO_ROOT, ensureSetup, launchBrowser, startEditor } from './lib/editor.mjs';

const TIMEOUT_MS = Number(process.env.BATON_HOST_TIMEOUT_MS || 240_000);
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

function ensureBuilt() {
  const npm = (...args) => {
    const result = spawnSync('npm', args, { cwd: REPO_ROOT, stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed`);
  };
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist/extension.js'))) npm('run', 'build');
  if (!fs.existsSync(path.join(REPO_ROOT, 'out/test/suite/index.js'))) npm('exec', '--', 'tsc', '-p', '.');
}

async function main() {
  ensureBuilt();
  // The first run on a machine installs the editor (minutes); that is not the suite's time.
  ensureSetup();
  console.log(`[host-suite] editor installed (${elapsed()})`);
  const outDir = path.join(ARTIFACTS_DIR, 'host-suite');
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const reportFile = path.join(outDir, 'report.txt');
  const resultsFile = path.join(outDir, 'results.json');

  const editor = await startEditor({
    name: 'host-suite',
    smokeTestDriver: true,
    env: {
      BATON_SUITE_REPORT: reportFile,
      BATON_SUITE_RESULTS: resultsFile,
      // Baton publishes its test hooks only under test AND with this set (src/vscode/testHooks.ts).
      BATON_TEST_HOOKS: '1',
      ...(process.env.BATON_SUITE_GREP ? { BATON_SUITE_GREP: process.env.BATON_SUITE_GREP } : {}),
    },
  });
  let browser;
  let code = 1;
  try {
    console.log(`[host-suite] code-server ready at ${editor.url} (${elapsed()})`);
    browser = await launchBrowser();
    const { page } = browser;
    const exited = new Promise((resolve) => page.exposeFunction('codeAutomationExit', (exitCode) => resolve(exitCode)));
    const remote = (p) => `vscode-remote://${editor.host}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(REPO_ROOT)],
      ['extensionTestsPath', remote(path.join(REPO_ROOT, 'out/test/suite/index.js'))],
    ];
    await page.goto(editor.workbenchUrl({ payload: JSON.stringify(payload) }));
    console.log(`[host-suite] workbench opened, running the suite (${elapsed()})`);

    let timer;
    const timedOut = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), TIMEOUT_MS); });
    const result = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    console.log(`[host-suite] extension host exited with ${result} (${elapsed()})`);

    if (fs.existsSync(reportFile)) process.stdout.write(fs.readFileSync(reportFile, 'utf8'));
    if (result === 'timeout') {
      console.error(`[host-suite] timed out after ${TIMEOUT_MS} ms; no exit from the extension host`);
      await page.screenshot({ path: path.join(outDir, 'timeout.png') }).catch(() => {});
      code = 1;
    } else {
      code = Number(result) || 0;
      if (!fs.existsSync(resultsFile)) {
        console.error('[host-suite] the suite wrote no results: did out/test/suite/index.js load? See the logs below.');
        code = code || 1;
      }
    }
  } finally {
    if (code !== 0) {
      editor.saveLogs(path.join(outDir, 'logs'));
      console.error(`[host-suite] editor logs saved to ${path.relative(process.cwd(), path.join(outDir, 'logs'))}`);
    }
    await Promise.all([browser?.stop(), editor.stop()]);
  }
  console.log(`[host-suite] ${code === 0 ? 'passed' : `failed (exit ${code})`} in ${elapsed()}; results: ${path.relative(process.cwd(), resultsFile)}`);
  return code;
}

main().then((code) => process.exit(code), (error) => {
  console.error('[host-suite]', error);
  process.exit(1);
});
