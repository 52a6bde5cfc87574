/**
 * Router throughput against a bare eventsource-parser loop over the same local socket.
 * Streams one long OpenAI answer of many small deltas at full speed; prints the median time of
 * each and the router's overhead as a ratio. Target: under 10 %.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createParser } from 'eventsource-parser';
import { Router } from '../src/core/router/router';
import { validateSettings } from '../src/core/settings/validate';
import { fmt, median } from './util';

const DELTAS = Number(process.env.BENCH_DELTAS ?? 300_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

function body(): Buffer {
  const frames: string[] = [];
  const words = ['the ', 'quick ', 'brown ', 'fox ', 'jumps ', 'over ', 'a ', 'lazy ', 'dög ', '✓ '];
  for (let i = 0; i < DELTAS; i++) {
    frames.push(`data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":${JSON.stringify(words[i % words.length])}},"finish_reason":null}]}\n\n`);
  }
  frames.push('data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n');
  frames.push('data: {"id":"c","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":300000}}\n\ndata: [DONE]\n\n');
  return Buffer.from(frames.join(''));
}

async function main(): Promise<void> {
  const payload = body();
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  const { settings } = validateSettings({ models: [{ id: 'm', provider: 'openai', model: 'm', baseUrl: url }] });
  const router = new Router({ settings: () => settings, resolveKey: () => undefined });

  const bare = async (): Promise<number> => {
    let chars = 0;
    const res = await fetch(`${url}/chat/completions`, { method: 'POST', body: '{"stream":true}', headers: { 'content-type': 'application/json' } });
    const parser = createParser({
      onEvent(event) {
        if (event.data === '[DONE]') return;
        const content = JSON.parse(event.data).choices[0]?.delta?.content;
        if (content) chars += content.length;
      },
    });
    const decoder = new TextDecoder();
    const reader = res.body!.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) parser.feed(decoder.decode(chunk.value, { stream: true }));
    return chars;
  };
  const routed = async (): Promise<number> => {
    let chars = 0;
    for await (const event of router.stream({ messages: [{ role: 'user', content: 'go' }] })) {
      if (event.type === 'text') chars += event.text.length;
    }
    return chars;
  };

  const time = async (fn: () => Promise<number>) => {
    const started = performance.now();
    const chars = await fn();
    return { ms: performance.now() - started, chars };
  };
  await time(bare);
  await time(routed);
  const bareTimes: number[] = [];
  const routedTimes: number[] = [];
  let chars = 0;
  for (let i = 0; i < RUNS; i++) {
    const b = await time(bare);
    const r = await time(routed);
    if (b.chars !== r.chars) throw new Error(`router delivered ${r.chars} chars, bare loop ${b.chars}`);
    chars = r.chars;
    bareTimes.push(b.ms);
    routedTimes.push(r.ms);
  }
  server.close();
  const [b, r] = [median(bareTimes), median(routedTimes)];
  console.log(`throughput: ${DELTAS.toLocaleString('en-US')} deltas, ${(payload.length / 1e6).toFixed(1)} MB, ${chars.toLocaleString('en-US')} chars, median of ${RUNS} runs`);
  console.log(`  bare eventsource-parser loop: ${fmt(b)} ms (${fmt(DELTAS / b, 0)} deltas/ms)`);
  console.log(`  Baton router:                 ${fmt(r)} ms (${fmt(DELTAS / r, 0)} deltas/ms)`);
  console.log(`  router / bare = ${fmt(r / b, 3)}  (overhead ${fmt((r / b - 1) * 100)} %; target < 10 %)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
