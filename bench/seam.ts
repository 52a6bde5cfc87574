/**
 * The seam stitcher's cost per handover on long partials: building the continuation request and the
 * stitcher, then stitching a 2,000-character continuation fed in 7-character deltas, for each kind
 * of backup reply. Partials of 100k, 200k and 400k characters (the seam corpus repeated) show how
 * the cost grows; the baseline is one split of the partial into lines, measured in the same run.
 */
import { continuationRequest, seamAnchor } from '../src/core/router/continuation';
import { SeamForm, SeamStitcher } from '../src/core/router/seam';
import { corpus } from '../test/support/seamCorpus';
import { fmt, median } from './util';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const SIZES = [100_000, 200_000, 400_000];
const text = corpus().map((a) => a.text).join('\n');

interface Reply {
  name: string;
  form: SeamForm;
  build(partial: string, rest: string): string;
}

const REPLIES: Reply[] = [
  { name: 'prefill, exact', form: 'prefill', build: (_p, rest) => rest },
  { name: 'anchor, then the rest', form: 'instruction', build: (p, rest) => seamAnchor(p) + rest },
  { name: 'ignores the anchor', form: 'instruction', build: (_p, rest) => rest },
  { name: 'repeats 40 chars', form: 'instruction', build: (p, rest) => p.trimEnd().slice(-40).trimStart() + rest },
  { name: 'restates 2k chars', form: 'instruction', build: (p, rest) => p.trimEnd().slice(-2000).trimStart() + rest },
];

function answerOf(size: number): string {
  let out = '';
  while (out.length < size + 4000) out += text;
  return out;
}

function time(fn: () => void): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}

/** One handover: its cost in ms, and whether the stitched text came out exact. */
function seam(full: string, size: number, reply: Reply): { ms: number; exact: boolean } {
  const partial = full.slice(0, size);
  const end = partial.trimEnd().length + 2000;
  const sent = reply.build(partial, full.slice(partial.trimEnd().length, end));
  let out = '';
  const ms = time(() => {
    continuationRequest({ messages: [{ role: 'user', content: 'q' }] }, partial, reply.form, 'Continue.');
    const stitcher = new SeamStitcher(partial, reply.form);
    for (let i = 0; i < sent.length; i += 7) out += stitcher.push(sent.slice(i, i + 7));
    out += stitcher.end();
  });
  return { ms, exact: partial + out === full.slice(0, end) };
}

function main(): void {
  console.log(`seam stitcher, median of ${RUNS} runs per cell (ms per handover; ×baseline = one split of the partial into lines)`);
  const rows: string[][] = [['reply', ...SIZES.map((s) => `${s / 1000}k`), ...SIZES.map((s) => `${s / 1000}k ×base`), '400k/100k', 'exact']];
  const baseline = SIZES.map((size) => {
    const partial = answerOf(size).slice(0, size);
    return median(Array.from({ length: RUNS }, () => time(() => partial.split('\n'))));
  });
  rows.push(['baseline (split)', ...baseline.map((b) => fmt(b, 3)), '1', '1', '1', fmt(baseline[2] / baseline[0], 2), '']);
  for (const reply of REPLIES) {
    let exact = true;
    const costs = SIZES.map((size) => {
      const full = answerOf(size);
      exact &&= seam(full, size, reply).exact;
      return median(Array.from({ length: RUNS }, () => seam(full, size, reply).ms));
    });
    rows.push([reply.name, ...costs.map((c) => fmt(c, 3)), ...costs.map((c, i) => fmt(c / baseline[i], 1)), fmt(costs[2] / costs[0], 2), exact ? 'yes' : 'no']);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padStart(widths[i])).join('  '));
}

main();
