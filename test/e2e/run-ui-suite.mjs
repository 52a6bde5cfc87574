// Runs the UI tests (test/e2e/ui/*.test.mjs) with mocha against the packaged extension: each
// describe() that calls useEditor() gets a fresh code-server with the VSIX installed and a fresh
// headless Chromium, and drives the workbench as a person would.
//
//   node test/e2e/run-ui-suite.mjs [files...] [--grep <pattern>]     (npm run test:ui)
//
// Env: BATON_VSIX=<path>  use this VSIX instead of running `npm run package`
//      BATON_UI_TIMEOUT_MS per-test timeout (default 60000; hooks that start the editor allow 180 s)
//      BATON_E2E_VERBOSE=1 forward the browser console; BATON_E2E_KEEP=1 keep run dirs;
//      BATON_HEADED=1 show the browser (needs a display)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';
import { ARTIFACTS_DIR, REPO_ROOT, ensureSetup } from './lib/editor.mjs';

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

function parseArgs(argv) {
  const files = [];
  let grep;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--grep' || argv[i] === '-g') grep = argv[++i];
    else files.push(path.resolve(argv[i]));
  }
  if (files.length === 0) {
    const dir = path.join(REPO_ROOT, 'test/e2e/ui');
    for (const name of fs.readdirSync(dir).sort()) if (name.endsWith('.test.mjs')) files.push(path.join(dir, name));
  }
  return { files, grep };
}

function packageVsix() {
  if (process.env.BATON_VSIX) {
    const vsix = path.resolve(process.env.BATON_VSIX);
    if (!fs.existsSync(vsix)) throw new Error(`BATON_VSIX=${vsix} does not exist`);
    return vsix;
  }
  console.log('[ui-suite] npm run package');
  const result = spawnSync('npm', ['run', '--silent', 'package'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) {
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    throw new Error('npm run package failed');
  }
  const vsix = path.join(REPO_ROOT, 'dist/baton.vsix');
  if (!fs.existsSync(vsix)) throw new Error(`npm run package wrote no ${vsix}`);
  return vsix;
}

async function main() {
  const { files, grep } = parseArgs(process.argv.slice(2));
  const vsix = packageVsix();
  console.log(`[ui-suite] ${path.relative(process.cwd(), vsix)} (${(fs.statSync(vsix).size / 1024).toFixed(1)} KiB) (${elapsed()})`);
  process.env.BATON_VSIX = vsix;
  ensureSetup();
  // Failure dumps (screenshot, browser console, editor logs) of the previous run.
  fs.rmSync(path.join(ARTIFACTS_DIR, 'ui'), { recursive: true, force: true });

  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    timeout: Number(process.env.BATON_UI_TIMEOUT_MS || 60_000),
    slow: 15_000,
    color: process.stdout.isTTY,
  });
  if (grep) mocha.grep(grep);
  for (const file of files) mocha.addFile(file);
  await mocha.loadFilesAsync();
  const failures = await new Promise((resolve) => timePerFile(mocha.run(resolve)));
  console.log(`[ui-suite] ${failures ? `${failures} failed` : 'passed'} in ${elapsed()}`);
  return failures ? 1 : 0;
}

/**
 * Prints, after the run, where the time went for each file: starting editors and resetting the
 * workbench (hooks) against the tests themselves, slowest file first.
 */
function timePerFile(runner) {
  /** @type {Map<string, { hooks: number, tests: number, count: number }>} */
  const files = new Map();
  const entry = (runnable) => {
    const file = path.relative(REPO_ROOT, runnable.file ?? runnable.parent?.file ?? 'unknown');
    if (!files.has(file)) files.set(file, { hooks: 0, tests: 0, count: 0 });
    return files.get(file);
  };
  runner.on('hook end', (hook) => { entry(hook).hooks += hook.duration ?? 0; });
  runner.on('test end', (test) => { const e = entry(test); e.tests += test.duration ?? 0; e.count++; });
  runner.on('end', () => {
    const seconds = (ms) => (ms / 1000).toFixed(1).padStart(6);
    console.log('[ui-suite] time per file (s): hooks (editor start, reset) + tests');
    for (const [file, t] of [...files].sort((a, b) => (b[1].hooks + b[1].tests) - (a[1].hooks + a[1].tests))) {
      console.log(`  ${seconds(t.hooks + t.tests)} = ${seconds(t.hooks)} + ${seconds(t.tests)}  ${t.count} tests  ${file}`);
    }
  });
  return runner;
}

main().then((code) => process.exit(code), (error) => {
  console.error('[ui-suite]', error);
  process.exit(1);
});
