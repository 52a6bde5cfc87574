// Streams a ~100,000-character markdown answer (code blocks, lists, tables) into the real chat
// webview script (dist/media/chat.js) in Chromium, one message per delta at about 2,000 deltas a
// second, and prints main-thread time, long tasks and keystroke latency beside a naive baseline
// (full re-render per delta) and a per-frame full re-render, measured in the same run.
//
//   node esbuild.js && node bench/webview.mjs
//
// Env: BENCH_RATE (deltas/s, 2000), BENCH_CHARS (100000), BENCH_RUNS (3),
//      BENCH_NAIVE_CHARS (prefix the per-delta baseline streams, 10000: it is quadratic)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { corpus, toDeltas } from '../tools/bench-webview/corpus.mjs';
import { runScenario } from '../tools/bench-webview/page.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RATE = Number(process.env.BENCH_RATE ?? 2000);
const CHARS = Number(process.env.BENCH_CHARS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const NAIVE_CHARS = Number(process.env.BENCH_NAIVE_CHARS ?? 10_000);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const pct = (values, p) => (values.length ? [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] : NaN);
const ms = (n) => (Number.isFinite(n) ? `${n.toFixed(0)} ms` : '-');
const num = (n) => n.toLocaleString('en-US');

async function buildNaive(dir) {
  const outfile = path.join(dir, 'naive.js');
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'tools/bench-webview/naive.ts')], outfile, bundle: true, format: 'iife', platform: 'browser',
    target: 'es2022', minify: true, logLevel: 'warning', loader: { '.ttf': 'empty', '.css': 'empty' },
  });
  return outfile;
}

/** Runs a scenario `runs` times and keeps the run with the median main-thread time. */
async function measure(browser, label, options, runs) {
  const results = [];
  for (let i = 0; i < runs; i++) {
    process.stderr.write(`  ${label} ${i + 1}/${runs}…\n`);
    results.push(await runScenario(browser, options));
  }
  const byScript = [...results].sort((a, b) => a.scriptMs - b.scriptMs);
  return { label, ...byScript[byScript.length >> 1], runs: results };
}

function row(r, chars, deltas) {
  const longOver50 = r.longTasks.filter((d) => d > 50);
  return [
    r.label.padEnd(34), num(chars).padStart(8), (deltas ? num(deltas) : 'once').padStart(7),
    ms(r.wallMs).padStart(9), ms(r.scriptMs).padStart(9), ms(r.taskMs).padStart(9), ms(r.layoutMs + r.styleMs).padStart(9),
    `${longOver50.length}`.padStart(5), ms(Math.max(0, ...r.longTasks)).padStart(8),
    (r.typed ? `${r.landed}/${r.typed}` : '-').padStart(8), (r.keyLatencies.length ? `${ms(pct(r.keyLatencies, 50))} / ${ms(pct(r.keyLatencies, 95))}` : '-').padStart(15),
  ].join(' ');
}

async function main() {
  const media = path.join(ROOT, 'dist/media');
  const bundle = path.join(media, 'chat.js');
  if (!fs.existsSync(bundle)) throw new Error('dist/media/chat.js is missing: run `node esbuild.js` first');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-bench-webview-'));
  const browser = await chromium.launch({
    executablePath: process.env.BATON_CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const naiveJs = await buildNaive(tmp);
    const text = corpus(CHARS);
    const deltas = toDeltas(text);
    const prefix = text.slice(0, NAIVE_CHARS);
    const prefixDeltas = toDeltas(prefix);
    const base = { media, naiveJs, rate: RATE };
    console.log(`Webview streaming benchmark: ${num(text.length)} chars of markdown (${(text.match(/^```\w/gm) ?? []).length} code blocks), ` +
      `${num(deltas.length)} deltas at ${num(RATE)}/s, one message each; dist/media/chat.js ${(fs.statSync(bundle).size / 1024).toFixed(0)} KiB; ` +
      `Chromium headless, ${os.cpus().length} cores; median of ${RUNS} runs.`);
    process.stderr.write('measuring…\n');
    const once = await measure(browser, 'Baton: final text rendered once', { ...base, app: 'baton', text }, RUNS);
    const stream = await measure(browser, 'Baton: streamed', { ...base, app: 'baton', text, deltas }, RUNS);
    const feeder = await measure(browser, 'feeder alone (no renderer)', { ...base, app: 'noop', text, deltas }, 1);
    const coalesced = await measure(browser, 'Baton: streamed, host-coalesced', { ...base, app: 'baton', text, deltas, coalesceMs: 16 }, RUNS);
    const coalescedFeeder = await measure(browser, 'feeder alone, host-coalesced', { ...base, app: 'noop', text, deltas, coalesceMs: 16 }, 1);
    const perFrame = await measure(browser, 'naive: full re-render per frame', { ...base, app: 'naive', mode: 'frame', text, deltas }, 1);
    const prefixStream = await measure(browser, `Baton: streamed, first ${num(prefix.length)}`, { ...base, app: 'baton', text: prefix, deltas: prefixDeltas }, 1);
    const perDelta = await measure(browser, `naive: full re-render per delta`, { ...base, app: 'naive', mode: 'delta', text: prefix, deltas: prefixDeltas }, 1);

    console.log('');
    console.log(`${'scenario'.padEnd(34)} ${'chars'.padStart(8)} ${'deltas'.padStart(7)} ${'wall'.padStart(9)} ${'script'.padStart(9)} ${'all tasks'.padStart(9)} ${'layout'.padStart(9)} ${'>50ms'.padStart(5)} ${'longest'.padStart(8)} ${'keys'.padStart(8)} ${'key p50 / p95'.padStart(15)}`);
    console.log(row(once, text.length));
    console.log(row(stream, text.length, deltas.length));
    console.log(row(feeder, text.length, deltas.length));
    console.log(row(coalesced, text.length, deltas.length));
    console.log(row(coalescedFeeder, text.length, deltas.length));
    console.log(row(perFrame, text.length, deltas.length));
    console.log(row(prefixStream, prefix.length, prefixDeltas.length));
    console.log(row(perDelta, prefix.length, prefixDeltas.length));
    console.log('');
    const net = stream.scriptMs - feeder.scriptMs;
    const longest = Math.max(0, ...stream.longTasks);
    console.log(`Streaming vs rendering once: script ${ms(stream.scriptMs)} = ${(stream.scriptMs / once.scriptMs).toFixed(2)}× (${ms(net)} = ${(net / once.scriptMs).toFixed(2)}× without the feeder's own ${ms(feeder.scriptMs)}); ` +
      `all main-thread work ${(stream.taskMs / once.taskMs).toFixed(2)}×. Target: within 2×.`);
    const coalescedNet = coalesced.scriptMs - coalescedFeeder.scriptMs;
    console.log(`As the extension host delivers it (deltas joined every 16 ms, as AnswerRun does): script ${ms(coalesced.scriptMs)} = ${(coalesced.scriptMs / once.scriptMs).toFixed(2)}× ` +
      `(${ms(coalescedNet)} = ${(coalescedNet / once.scriptMs).toFixed(2)}× without the feeder's ${ms(coalescedFeeder.scriptMs)}); ` +
      `longest task ${ms(Math.max(0, ...coalesced.longTasks))}; keystroke p95 ${ms(pct(coalesced.keyLatencies, 95))}.`);
    console.log(`Longest main-thread task while streaming: ${ms(longest)} (${stream.longTasks.filter((d) => d > 50).length} over 50 ms). Target: none over 50 ms.`);
    console.log(`Keystrokes while streaming: ${stream.landed} of ${stream.typed} landed in the input; keystroke to next frame p50 ${ms(pct(stream.keyLatencies, 50))}, p95 ${ms(pct(stream.keyLatencies, 95))}, max ${ms(Math.max(...stream.keyLatencies))}.`);
    console.log(`Naive per delta on the first ${num(prefix.length)} chars: script ${ms(perDelta.scriptMs)} vs Baton ${ms(prefixStream.scriptMs)} (${(perDelta.scriptMs / prefixStream.scriptMs).toFixed(0)}×), ` +
      `wall ${ms(perDelta.wallMs)} for a ${ms((prefixDeltas.length / RATE) * 1000)} stream, longest task ${ms(Math.max(...perDelta.longTasks, 0))}; ` +
      `its cost grows with the square of the length, so the full answer would take about ${((perDelta.scriptMs * (text.length / prefix.length) ** 2) / 1000).toFixed(0)} s of scripting.`);
    console.log(`Naive per frame on the full answer: script ${ms(perFrame.scriptMs)} (${(perFrame.scriptMs / stream.scriptMs).toFixed(1)}× Baton), longest task ${ms(Math.max(...perFrame.longTasks, 0))}.`);
  } finally {
    await browser.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
