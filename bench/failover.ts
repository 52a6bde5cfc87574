/**
 * Failover latency and stall detection, on real local sockets.
 *
 * failover: the primary streams part of an answer and resets its socket. Measured from the reset to
 * the first backup token the consumer sees, minus the backup's own time to first token (measured
 * in the same run by calling the backup directly). Target: under 5 ms.
 *
 * stall: the primary goes silent with the socket open (keep-alives still flowing). Measured from
 * the last byte of text it sent to the handover, against the configured idle timeout.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { providerFor } from '../src/core/providers';
import { Router } from '../src/core/router/router';
import { validateSettings } from '../src/core/settings/validate';
import { fmt, median, percentile } from './util';

const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const sse = (text: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })}\n\n`;
const END = 'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n';

interface Marks {
  resetAt: number;
  lastTextAt: number;
}

async function main(): Promise<void> {
  const marks: Marks = { resetAt: 0, lastTextAt: 0 };
  let primaryMode: 'reset' | 'stall' = 'reset';
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (req.url!.startsWith('/backup')) {
        res.end(sse(' and the backup finishes it.') + END);
        return;
      }
      res.write(sse('The primary starts the answer'));
      marks.lastTextAt = performance.now();
      if (primaryMode === 'reset') {
        setTimeout(() => {
          marks.resetAt = performance.now();
          (res.socket as Socket).resetAndDestroy();
        }, 5);
      } else {
        const keepAlive = setInterval(() => (res.destroyed ? clearInterval(keepAlive) : res.write(': ping\n\n')), 100);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const settingsFor = (idleMs: number) => validateSettings({
    models: [
      { id: 'primary', provider: 'openai', model: 'm', baseUrl: `${base}/primary/v1` },
      { id: 'backup', provider: 'openai', model: 'm', baseUrl: `${base}/backup/v1` },
    ],
    fallbacks: { primary: ['backup'] },
    timeouts: { firstTokenMs: 5000, idleMs, totalMs: 60000 },
    cooldown: { failureThreshold: 100, cooldownMs: 0 },
  }).settings;

  // The backup's own time to first token, called directly.
  const backupModel = settingsFor(1000).models[1];
  const backupTtft: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    for await (const part of providerFor('openai').stream({ model: backupModel, request: { messages: [{ role: 'user', content: 'x' }] } }, new AbortController().signal)) {
      if (part.type === 'text') {
        backupTtft.push(performance.now() - started);
        break;
      }
    }
  }

  const failover: number[] = [];
  const reset = new Router({ settings: () => settingsFor(2000), resolveKey: () => undefined });
  for (let i = 0; i < RUNS; i++) {
    let fellBack = false;
    for await (const event of reset.stream({ messages: [{ role: 'user', content: 'x' }] })) {
      if (event.type === 'fallback') fellBack = true;
      if (event.type === 'text' && fellBack) {
        failover.push(performance.now() - marks.resetAt);
        break;
      }
    }
  }
  const ttft = median(backupTtft);
  const overhead = failover.map((ms) => ms - ttft);
  console.log(`failover: primary resets mid-answer, backup continues (${RUNS} runs)`);
  console.log(`  reset → first backup token: median ${fmt(median(failover), 2)} ms, p95 ${fmt(percentile(failover, 95), 2)} ms`);
  console.log(`  backup's own time to first token: median ${fmt(ttft, 2)} ms`);
  console.log(`  failover overhead: median ${fmt(median(overhead), 2)} ms, p95 ${fmt(percentile(overhead, 95), 2)} ms (target < 5 ms)`);

  primaryMode = 'stall';
  console.log('stall detection: primary goes silent with keep-alives flowing');
  for (const idleMs of [500, 1000, 2000]) {
    const router = new Router({ settings: () => settingsFor(idleMs), resolveKey: () => undefined });
    const detected: number[] = [];
    for (let i = 0; i < 5; i++) {
      for await (const event of router.stream({ messages: [{ role: 'user', content: 'x' }] })) {
        if (event.type === 'fallback') {
          detected.push(performance.now() - marks.lastTextAt);
          break;
        }
      }
    }
    const m = median(detected);
    console.log(`  idle timeout ${idleMs} ms: handover ${fmt(m, 1)} ms after the last byte (+${fmt(m - idleMs, 1)} ms, ratio ${fmt(m / idleMs, 3)})`);
  }
  server.closeAllConnections();
  server.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
