/**
 * What the router costs, measured as a user meets it: the `baton` CLI printing a long streamed
 * answer, against the baseline loop (bench/baselineLoop.ts: fetch + eventsource-parser, one write
 * per network read) run in the same session on the same server. Both processes carry the same
 * preload, which reports their CPU time (startup included); the ratio is CLI / baseline. Then the
 * same ratio in instructions executed (valgrind), which other load on the machine cannot move: on a
 * shared machine the CPU figures of one program vary by tens of percent between runs.
 *
 * Then connection reuse: sequential requests through one Router, against a server that ends each
 * body a few milliseconds after the final frame (as real providers do), counting the TCP
 * connections the server accepted.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Router } from '../src/core/router/router';
import { validateSettings } from '../src/core/settings/validate';
import { fmt, median } from './util';

const CHARS = Number(process.env.BENCH_CHARS ?? 967_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 11);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20);
const INSTRUCTION_RUNS = Number(process.env.BENCH_INSTRUCTION_RUNS ?? 3);
/** The server writes the body in pieces of this size, so the client sees many network reads. */
const PIECE_BYTES = Number(process.env.BENCH_PIECE_BYTES ?? 4096);
const ROOT = path.join(__dirname, '../..');
/** The CLI to measure; BENCH_CLI points at another build (e.g. an older one) to compare. */
const CLI = process.env.BENCH_CLI ?? path.join(ROOT, 'dist/cli.js');
const BASELINE = path.join(__dirname, 'baselineLoop.js');
const PRELOAD = path.join(ROOT, 'bench/cpuReport.js');

/** An OpenAI Chat Completions stream of about CHARS characters in small, realistic deltas. */
function streamBody(chars: number): { payload: Buffer; text: string } {
  const words = ['the ', 'quick ', 'brown ', 'fox ', 'jumps ', 'over ', 'a ', 'lazy ', 'dög ', '✓ ', '\tindent\n', '完成 '];
  const frames: string[] = [];
  let text = '';
  for (let i = 0; text.length < chars; i++) {
    const word = words[i % words.length];
    text += word;
    frames.push(`data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":${JSON.stringify(word)}},"finish_reason":null}],"usage":null}\n\n`);
  }
  frames.push('data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}\n\n');
  frames.push('data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":200000,"total_tokens":200005}}\n\n');
  frames.push('data: [DONE]\n\n');
  return { payload: Buffer.from(frames.join('')), text };
}

/** Writes `payload` in pieces, yielding to the event loop between them and respecting backpressure. */
async function writeInPieces(res: http.ServerResponse, payload: Buffer, size: number): Promise<void> {
  for (let offset = 0; offset < payload.length; offset += size) {
    if (!res.write(payload.subarray(offset, offset + size))) await new Promise((resolve) => res.once('drain', resolve));
    else if ((offset / size) % 16 === 15) await new Promise((resolve) => setImmediate(resolve));
  }
  res.end();
}

interface Run {
  cpuMs: number;
  wallMs: number;
  stdout: string;
}

/** Runs a node script with the CPU preload; resolves with its CPU time and what it printed. */
function measure(script: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--require', PRELOAD, script, ...args], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    let report = '';
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.setEncoding('utf8').on('data', (d) => (err += d));
    (child.stdio[3] as NodeJS.ReadableStream).setEncoding('utf8').on('data', (d: string) => (report += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${path.basename(script)} exited ${code}: ${err}`));
      const { user, system } = JSON.parse(report) as { user: number; system: number };
      resolve({ cpuMs: (user + system) / 1000, wallMs: performance.now() - started, stdout: Buffer.concat(out).toString('utf8') });
    });
  });
}

async function listen(handler: http.RequestListener): Promise<{ server: http.Server; url: string; connections: () => number }> {
  const server = http.createServer(handler);
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, connections: () => connections };
}

async function cpuRatio(): Promise<void> {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first`);
  const { payload, text } = streamBody(CHARS);
  const { server, url } = await listen((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      void writeInPieces(res, payload, PIECE_BYTES);
    });
  });
  const settings = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'baton-bench-')), 'settings.json');
  // Generous waits: under valgrind a process runs some 30 times slower than the router expects of a provider.
  fs.writeFileSync(settings, JSON.stringify({
    'baton.models': [{ id: 'm', provider: 'openai', model: 'm', baseUrl: url }],
    'baton.timeouts': { headersMs: 600_000, firstTokenMs: 600_000, idleMs: 600_000, totalMs: 3_600_000 },
  }));

  const baseline: Run[] = [];
  const cli: Run[] = [];
  await measure(BASELINE, [url]);
  await measure(CLI, ['chat', '--settings', settings, 'go']);
  for (let i = 0; i < RUNS; i++) {
    // Alternate the order so that neither side always runs on a warmer machine.
    const pair = i % 2 === 0
      ? [await measure(BASELINE, [url]), await measure(CLI, ['chat', '--settings', settings, 'go'])]
      : [await measure(CLI, ['chat', '--settings', settings, 'go']), await measure(BASELINE, [url])].reverse();
    for (const [run, who] of [[pair[0], 'baseline'], [pair[1], 'CLI']] as const) {
      if (run.stdout !== text) throw new Error(`${who} printed ${run.stdout.length} chars, expected exactly the ${text.length}-char answer`);
    }
    baseline.push(pair[0]);
    cli.push(pair[1]);
  }
  const b = median(baseline.map((r) => r.cpuMs));
  const c = median(cli.map((r) => r.cpuMs));
  // Other processes on the machine only ever add CPU time (cache and core contention), so the
  // least time each side needed is the steadiest estimate of its own cost; the pairs show the spread.
  const best = (runs: Run[]) => Math.min(...runs.map((r) => r.cpuMs));
  const ratios = cli.map((run, i) => run.cpuMs / baseline[i].cpuMs);
  console.log(`CLI vs baseline loop: one ${text.length.toLocaleString('en-US')}-char answer, ${(payload.length / 1e6).toFixed(1)} MB of SSE written in ${PIECE_BYTES}-byte pieces, median of ${RUNS} runs each`);
  console.log(`  baseline (fetch + eventsource-parser, one write per read): ${fmt(best(baseline), 0)} ms CPU at best, ${fmt(b, 0)} median`);
  console.log(`  baton chat:                                                 ${fmt(best(cli), 0)} ms CPU at best, ${fmt(c, 0)} median`);
  // On a shared machine one program's CPU time varies by tens of percent between runs, more than the
  // 5 % this is meant to resolve; the instruction ratio below is the figure that decides.
  console.log(`  CPU ratio CLI / baseline = ${fmt(best(cli) / best(baseline), 3)} at best, ${fmt(c / b, 3)} of the medians  (indicative only: see the pairs' spread)`);
  console.log(`  back-to-back pairs: ${ratios.map((r) => fmt(r, 2)).join(' ')}`);
  await instructionRatio(url, settings);
  server.close();
  fs.rmSync(path.dirname(settings), { recursive: true, force: true });
}

/**
 * Instructions executed (valgrind's callgrind, all threads), for a steadier figure than CPU time on a
 * shared machine: other processes change how long work takes, not how much of it there is. What is
 * left varies by about 1 % from run to run (when the JIT and the collector's threads get to run, how
 * the server's writes fall into reads), so the pairs are repeated and the median ratio is the figure.
 * On by default where valgrind is installed (BENCH_INSTRUCTIONS=0 skips it): each process runs some
 * 30 times slower under it, so a pair takes about a minute, the two sides running side by side.
 */
async function instructionRatio(url: string, settings: string): Promise<void> {
  if (process.env.BENCH_INSTRUCTIONS === '0') return;
  if (spawnSync('valgrind', ['--version']).status !== 0) {
    console.log('  instructions: valgrind is not installed (apt-get install valgrind), skipped');
    return;
  }
  const count = (args: string[]) => new Promise<number>((resolve, reject) => {
    const child = spawn('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', '--smc-check=all-non-file', process.execPath, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const refs = /I\s+refs:\s+([\d,]+)/.exec(err);
      if (code !== 0 || !refs) return reject(new Error(`valgrind ${args[0]} exited ${code}: ${err.slice(-500)}`));
      resolve(Number(refs[1].replace(/,/g, '')));
    });
  });
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < INSTRUCTION_RUNS; i++) {
    pairs.push(await Promise.all([count([BASELINE, url]), count([CLI, 'chat', '--settings', settings, 'go'])]));
  }
  const ratios = pairs.map(([b, c]) => c / b);
  const g = (n: number) => (n / 1e9).toFixed(3);
  console.log(`  instructions (callgrind, ${INSTRUCTION_RUNS} pairs): baseline ${pairs.map(([b]) => g(b)).join(' ')} G, baton chat ${pairs.map(([, c]) => g(c)).join(' ')} G`);
  console.log(`  instruction ratio CLI / baseline = ${fmt(median(ratios), 3)} median  (goal ≤ 1.05; pairs ${ratios.map((r) => fmt(r, 3)).join(' ')})`);
}

async function connectionReuse(): Promise<void> {
  const { payload } = streamBody(2_000);
  const { server, url, connections } = await listen((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(payload);
      // The final frame is out; the end of the body follows a moment later.
      setTimeout(() => res.end(), 5);
    });
  });
  const { settings } = validateSettings({ models: [{ id: 'm', provider: 'openai', model: 'm', baseUrl: url }] });
  const router = new Router({ settings: () => settings, resolveKey: () => undefined });
  for (let i = 0; i < REQUESTS; i++) {
    for await (const event of router.stream({ messages: [{ role: 'user', content: 'go' }] })) {
      if (event.type === 'done' && event.finishReason !== 'stop') throw new Error(`request ${i} ended with ${event.finishReason}`);
    }
  }
  server.closeAllConnections();
  server.close();
  console.log(`connection reuse: ${REQUESTS} sequential requests through one router, body ends 5 ms after the final frame`);
  console.log(`  ${connections()} connections opened, ${fmt(connections() / REQUESTS, 2)} per request (1 connection in all is ideal)`);
}

async function main(): Promise<void> {
  await cpuRatio();
  await connectionReuse();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
