// Starts a real VS Code (code-server from npm, on Node 24) and a headless Chromium for it.
// See /work/shared/REAL-EDITOR.md for why code-server and not @vscode/test-electron.
//
// Every process started here is a process group of its own and is stopped by id: by the
// handle's stop(), and as a last resort on process exit, SIGINT, SIGTERM or SIGHUP.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (the extension's development path). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** Where screenshots, logs and results of the e2e suites go (gitignored). */
export const ARTIFACTS_DIR = path.join(REPO_ROOT, '.artifacts');
export const CHROMIUM_PATH = process.env.BATON_CHROMIUM || '/usr/bin/chromium';

/** Settings that cut start-up time and noise; a test's own userSettings win. */
export const QUIET_SETTINGS = {
  'telemetry.telemetryLevel': 'off',
  'workbench.startupEditor': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'update.mode': 'none',
  'git.enabled': false,
  'github.gitAuthentication': false,
};

const verbose = !!process.env.BATON_E2E_VERBOSE;
const debug = (...args) => { if (verbose) console.error('[e2e]', ...args); };

// ---------------------------------------------------------------------------------------------
// Cleanup registry: what is still running when this process leaves.

/** @type {Set<{ killNow(): void }>} */
const live = new Set();
let handlersInstalled = false;

function installExitHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => { for (const item of live) item.killNow(); });
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
    process.on(signal, () => {
      console.error(`\n[e2e] ${signal}: stopping ${live.size} editor/browser process group(s)`);
      for (const item of live) item.killNow();
      process.exit(code);
    });
  }
}

function groupAlive(pgid) {
  try { process.kill(-pgid, 0); return true; } catch { return false; }
}

function killGroup(pgid, signal) {
  try { process.kill(-pgid, signal); } catch { /* already gone */ }
}

/** Sends SIGTERM to a process group, then SIGKILL after `graceMs`; resolves once it is empty. */
async function stopGroup(pgid, graceMs = 5000) {
  killGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid)) {
    if (Date.now() > deadline) { killGroup(pgid, 'SIGKILL'); await delay(100); if (!groupAlive(pgid)) break; }
    await delay(50);
  }
}

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Setup

let setupCache;

/**
 * Runs scripts/setup-editor.sh (a no-op in well under a second when the cache is warm).
 * @returns {{ node24: string, nodeBin: string, codeServerEntry: string }}
 */
export function ensureSetup() {
  if (setupCache) return setupCache;
  const result = spawnSync('bash', [path.join(REPO_ROOT, 'scripts/setup-editor.sh')], {
    cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`scripts/setup-editor.sh failed with exit code ${result.status}`);
  const vars = Object.fromEntries(result.stdout.split('\n').filter((l) => l.includes('=')).map((l) => {
    const i = l.indexOf('=');
    return [l.slice(0, i).trim(), l.slice(i + 1).trim()];
  }));
  if (!vars.BATON_NODE24 || !vars.BATON_CODE_SERVER) throw new Error(`setup-editor.sh printed no paths:\n${result.stdout}`);
  setupCache = {
    node24: vars.BATON_NODE24,
    nodeBin: path.join(vars.BATON_NODE24, 'bin/node'),
    codeServerEntry: path.join(vars.BATON_CODE_SERVER, 'node_modules/code-server/out/node/entry.js'),
  };
  return setupCache;
}

// ---------------------------------------------------------------------------------------------
// code-server

/**
 * @typedef {object} EditorOptions
 * @property {string} [workspace]     folder to open; default: a fresh empty folder in the run dir
 * @property {Record<string, unknown>} [userSettings]  merged over QUIET_SETTINGS into User/settings.json
 * @property {Record<string, string>} [env]  extra environment for code-server (reaches the extension host)
 * @property {string | string[]} [installVsix]  .vsix file(s) to install into the fresh extensions dir first
 * @property {boolean} [smokeTestDriver]  pass --vscode-option enable-smoke-test-driver (needed for
 *                                    extensionDevelopmentPath/extensionTestsPath in the URL payload)
 * @property {string[]} [extraArgs]   more code-server arguments
 * @property {boolean} [workspaceTrust]  leave workspace trust on (no --disable-workspace-trust), for
 *                                    tests of Restricted Mode; also set security.workspace.trust.* in userSettings
 * @property {string} [name]          label used in the run dir's name and in messages
 * @property {number} [startTimeoutMs]  how long to wait for /healthz (default 30 s)
 * @property {number} [port]          port to bind on 127.0.0.1 (default: any free port)
 */

/**
 * @typedef {object} Editor
 * @property {string} url        e.g. http://127.0.0.1:41234 (no trailing slash)
 * @property {number} port
 * @property {string} host       127.0.0.1:<port>, for vscode-remote:// URIs
 * @property {number} pid        code-server's pid (= its process group id)
 * @property {string} runDir     fresh dir holding ud/ (user data), ext/, xdg/, run/, tmp/, workspace/, code-server.log
 * @property {string} workspace  the folder opened by workbenchUrl()
 * @property {string} userDataDir
 * @property {(query?: Record<string, string>) => string} workbenchUrl  URL that opens the workspace
 * @property {(name: string, extensionId?: string) => string | undefined} readOutputLog  full text of
 *           an extension's LogOutputChannel (default extension: baton-dev.baton) as the extension
 *           host writes it to <user data>/logs/<session>/exthostN/<extensionId>/<name>.log;
 *           undefined until the channel has been created
 * @property {(destDir: string) => void} saveLogs  copies code-server.log and the editor's logs/ to destDir
 * @property {(opts?: { keep?: boolean }) => Promise<void>} stop  stops the process group, removes
 *           the run dir (unless keep or BATON_E2E_KEEP=1) and the IPC sockets this instance made
 */

/**
 * Starts a fresh code-server on 127.0.0.1 and waits until /healthz answers.
 * @param {EditorOptions} [options]
 * @returns {Promise<Editor>}
 */
export async function startEditor(options = {}) {
  installExitHandlers();
  const { nodeBin, node24, codeServerEntry } = ensureSetup();
  const name = options.name || 'editor';
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), `baton-${name.replace(/[^\w.-]+/g, '-')}-`));
  const dirs = {
    userData: path.join(runDir, 'ud'),
    extensions: path.join(runDir, 'ext'),
    xdg: path.join(runDir, 'xdg'),
    // VS Code puts its vscode-ipc-*.sock files into XDG_RUNTIME_DIR when set, else into /tmp.
    runtime: path.join(runDir, 'run'),
    // os.tmpdir() of the server and extension host (the TypeScript extension makes /tmp/vscode-typescript*).
    tmp: path.join(runDir, 'tmp'),
  };
  for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const workspace = options.workspace || path.join(runDir, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  fs.mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(dirs.userData, 'User/settings.json'),
    JSON.stringify({ ...QUIET_SETTINGS, ...options.userSettings }, null, 2));

  const env = {
    ...process.env,
    PATH: `${path.join(node24, 'bin')}:${process.env.PATH}`,
    XDG_CONFIG_HOME: dirs.xdg, XDG_DATA_HOME: dirs.xdg, XDG_CACHE_HOME: dirs.xdg, XDG_RUNTIME_DIR: dirs.runtime,
    TMPDIR: dirs.tmp,
    ...options.env,
  };
  // npm sets these when we run under `npm run`; they must not leak into the editor's terminals/tasks.
  for (const key of Object.keys(env)) if (key.startsWith('npm_')) delete env[key];

  const baseArgs = [codeServerEntry, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']), '--disable-getting-started-override',
    '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];

  for (const vsix of [options.installVsix ?? []].flat()) {
    const install = spawnSync(nodeBin, [...baseArgs, '--install-extension', path.resolve(vsix), '--force'],
      { env, encoding: 'utf8', timeout: 60_000 });
    if (install.status !== 0) {
      fs.rmSync(runDir, { recursive: true, force: true });
      throw new Error(`installing ${vsix} failed (${install.status}):\n${install.stdout}\n${install.stderr}`);
    }
    debug(install.stdout.trim());
  }

  const args = [...baseArgs, '--bind-addr', `127.0.0.1:${options.port ?? 0}`];
  if (options.smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  if (options.extraArgs) args.push(...options.extraArgs);
  args.push(workspace);

  const logFile = path.join(runDir, 'code-server.log');
  const logFd = fs.openSync(logFile, 'a');
  // detached: the child calls setsid(), so its pid is the id of a process group that also holds
  // the extension host, pty host and file watcher.
  const child = spawn(nodeBin, args, { env, cwd: workspace, detached: true, stdio: ['ignore', logFd, logFd] });
  fs.closeSync(logFd);
  const pid = child.pid;
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let stopped = false;

  // Safety net for IPC sockets that ignore XDG_RUNTIME_DIR and land in /tmp: only those bound by a
  // process of our group, collected just before it is stopped, are removed.
  /** @type {Set<string>} */
  const ownedTmpSockets = new Set();
  const sweepSockets = () => {
    for (const sock of ownedTmpSockets) { try { fs.rmSync(sock, { force: true }); } catch { /* gone */ } }
  };
  const entry = {
    killNow() {
      if (stopped) return;
      collectGroupSockets(pid, ownedTmpSockets);
      killGroup(pid, 'SIGKILL');
      sweepSockets();
      if (!process.env.BATON_E2E_KEEP) fs.rmSync(runDir, { recursive: true, force: true });
    },
  };
  live.add(entry);

  let port;
  try {
    port = await waitForListening(logFile, exited, options.startTimeoutMs ?? 30_000);
    await waitForHealthz(port, exited, options.startTimeoutMs ?? 30_000);
  } catch (error) {
    entry.killNow();
    live.delete(entry);
    throw error;
  }
  const host = `127.0.0.1:${port}`;
  const url = `http://${host}`;
  debug(`${name}: code-server pid ${pid} at ${url}, run dir ${runDir}`);

  return {
    url, port, host, pid, runDir, workspace, userDataDir: dirs.userData,
    workbenchUrl(query = {}) {
      const params = new URLSearchParams({ folder: workspace, ...query });
      return `${url}/?${params.toString()}`;
    },
    readOutputLog(channelName, extensionId = 'baton-dev.baton') {
      const file = newestFile(path.join(dirs.userData, 'logs'), (f) => f.endsWith(`${path.sep}${extensionId}${path.sep}${channelName}.log`));
      return file ? fs.readFileSync(file, 'utf8') : undefined;
    },
    saveLogs(destDir) {
      fs.mkdirSync(destDir, { recursive: true });
      if (fs.existsSync(logFile)) fs.copyFileSync(logFile, path.join(destDir, 'code-server.log'));
      const logsDir = path.join(dirs.userData, 'logs');
      if (fs.existsSync(logsDir)) fs.cpSync(logsDir, path.join(destDir, 'logs'), { recursive: true });
    },
    async stop({ keep = !!process.env.BATON_E2E_KEEP } = {}) {
      if (stopped) return;
      collectGroupSockets(pid, ownedTmpSockets);
      await stopGroup(pid);
      await Promise.race([exited, delay(1000)]);
      stopped = true;
      live.delete(entry);
      sweepSockets();
      if (keep) console.error(`[e2e] kept ${runDir}`);
      else fs.rmSync(runDir, { recursive: true, force: true });
    },
  };
}

/** code-server logs "HTTP server listening on http://127.0.0.1:PORT/"; binding port 0 avoids races. */
async function waitForListening(logFile, exited, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let dead = false;
  exited.then(() => { dead = true; });
  while (Date.now() < deadline) {
    const text = fs.readFileSync(logFile, 'utf8');
    const match = /HTTP server listening on https?:\/\/127\.0\.0\.1:(\d+)/.exec(text);
    if (match) return Number(match[1]);
    if (dead) throw new Error(`code-server exited before listening:\n${text.slice(-3000)}`);
    await delay(100);
  }
  throw new Error(`code-server did not listen within ${timeoutMs} ms:\n${fs.readFileSync(logFile, 'utf8').slice(-3000)}`);
}

async function waitForHealthz(port, exited, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let dead = false;
  exited.then(() => { dead = true; });
  while (Date.now() < deadline && !dead) {
    const ok = await new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.on('timeout', () => { req.destroy(); resolve(false); });
    });
    if (ok) return;
    await delay(100);
  }
  throw new Error(dead ? 'code-server exited during start' : `code-server /healthz not ready within ${timeoutMs} ms`);
}

/** Adds to `into` every /tmp/vscode-*.sock bound by a process of process group `pgid`. */
function collectGroupSockets(pgid, into) {
  try {
    const inodes = new Set();
    for (const proc of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(proc)) continue;
      let stat;
      try { stat = fs.readFileSync(`/proc/${proc}/stat`, 'utf8'); } catch { continue; }
      // Fields after the parenthesised command: state ppid pgrp ...
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue;
      let fds = [];
      try { fds = fs.readdirSync(`/proc/${proc}/fd`); } catch { continue; }
      for (const fd of fds) {
        try {
          const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${proc}/fd/${fd}`));
          if (m) inodes.add(m[1]);
        } catch { /* closed meanwhile */ }
      }
    }
    for (const line of fs.readFileSync('/proc/net/unix', 'utf8').split('\n').slice(1)) {
      const parts = line.trim().split(/\s+/);
      const sockPath = parts[7];
      if (sockPath && inodes.has(parts[6]) && /^\/tmp\/vscode-.*\.sock$/.test(sockPath)) into.add(sockPath);
    }
  } catch (error) {
    debug(`socket scan failed: ${error.message}`);
  }
}

/** The most recently written file under `dir` whose path satisfies `predicate` (a reload starts exthost2, ...). */
function newestFile(dir, predicate) {
  if (!fs.existsSync(dir)) return undefined;
  return fs.readdirSync(dir, { recursive: true })
    .map((entry) => path.join(dir, entry.toString()))
    .filter((full) => predicate(full) && fs.statSync(full).isFile())
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
}

// ---------------------------------------------------------------------------------------------
// Chromium

/**
 * @typedef {object} Browser
 * @property {import('playwright-core').BrowserContext} context
 * @property {import('playwright-core').Page} page   the first tab
 * @property {string} profileDir
 * @property {() => Promise<void>} stop  closes Chromium (kills its process group if it hangs)
 *           and removes the profile dir and Chromium's temp dir
 */

/**
 * Launches headless Debian Chromium with a fresh profile (so SecretStorage starts empty).
 * @param {{ viewport?: { width: number, height: number }, headless?: boolean,
 *           forwardConsole?: boolean }} [options]
 * @returns {Promise<Browser>}
 */
export async function launchBrowser(options = {}) {
  installExitHandlers();
  const { chromium } = await import('playwright-core');
  // Chromium keeps its SingletonSocket dir (and, with --disable-dev-shm-usage, shared memory) in
  // TMPDIR; a private one is removed with the profile even when Chromium is killed.
  const rootDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-chromium-'));
  const profileDir = path.join(rootDir, 'profile');
  const tmpDir = path.join(rootDir, 'tmp');
  fs.mkdirSync(profileDir);
  fs.mkdirSync(tmpDir);
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    env: { ...process.env, TMPDIR: tmpDir },
    headless: options.headless ?? !process.env.BATON_HEADED,
    viewport: options.viewport ?? { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const page = context.pages()[0] ?? await context.newPage();
  if (options.forwardConsole ?? verbose) {
    page.on('console', (msg) => console.error(`[browser:${msg.type()}] ${msg.text()}`));
  }
  // Playwright starts Chromium detached (its own process group) and kills it when this process
  // exits; this entry also kills it by pid on our signal handlers.
  const browserPid = findChromiumPid(profileDir);
  let stopped = false;
  const entry = {
    killNow() {
      if (stopped) return;
      if (browserPid) killGroup(browserPid, 'SIGKILL');
      fs.rmSync(rootDir, { recursive: true, force: true });
    },
  };
  live.add(entry);
  return {
    context, page, profileDir,
    async stop() {
      if (stopped) return;
      await Promise.race([context.close().catch(() => {}), delay(10_000)]);
      if (browserPid && groupAlive(browserPid)) await stopGroup(browserPid, 2000);
      stopped = true;
      live.delete(entry);
      fs.rmSync(rootDir, { recursive: true, force: true });
    },
  };
}

/** The pid of the Chromium launched with --user-data-dir=profileDir (its process group leader). */
function findChromiumPid(profileDir) {
  for (const proc of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(proc)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${proc}/cmdline`, 'utf8').split('\0');
      if (cmdline.includes(`--user-data-dir=${profileDir}`) && !cmdline.some((a) => a.startsWith('--type='))) {
        return Number(proc);
      }
    } catch { /* exited */ }
  }
  return undefined;
}

/**
 * Runs `fn` with a started editor and browser and always stops both, also when it throws.
 * @template T
 * @param {EditorOptions & { browser?: Parameters<typeof launchBrowser>[0] }} options
 * @param {(editor: Editor, browser: Browser) => Promise<T>} fn
 * @returns {Promise<T>}
 */
export async function withEditor(options, fn) {
  const editor = await startEditor(options);
  let browser;
  try {
    browser = await launchBrowser(options.browser);
    return await fn(editor, browser);
  } finally {
    await Promise.all([browser?.stop(), editor.stop()]);
  }
}
