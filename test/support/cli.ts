import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const CLI = path.join(__dirname, '../../../dist/cli.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `baton` CLI as a process, with only the environment given (plus PATH). */
export function runCli(args: string[], options: { env?: Record<string, string>; stdin?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), XDG_CONFIG_HOME: path.join(os.tmpdir(), 'baton-no-config'), ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`baton ${args.join(' ')} did not exit within ${options.timeoutMs ?? 15_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 15_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.stdin ?? '');
  });
}

let scratch: string | undefined;

/**
 * Writes `content` to a file named `name` in a folder of its own, under one scratch folder per
 * test process that is removed when the process exits; returns the file's path.
 */
export function scratchFile(name: string, content: string): string {
  if (!scratch) {
    const dir = (scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-cli-')));
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  const file = path.join(fs.mkdtempSync(path.join(scratch, 'f-')), name);
  fs.writeFileSync(file, content);
  return file;
}

/** Writes a settings file (JSON with a comment and a trailing comma, like VS Code's) and returns its path. */
export function writeSettings(section: Record<string, unknown>): string {
  const body = Object.entries(section).map(([key, value]) => `  "baton.${key}": ${JSON.stringify(value)},`).join('\n');
  return scratchFile('settings.json', `// Baton test settings\n{\n  "editor.fontSize": 13,\n${body}\n}\n`);
}
