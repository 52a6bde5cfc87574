/**
 * A large tool-call argument against the same content as answer text, both through the router
 * over a local socket. A `write_file` call carries a whole source file as JSON text, streamed in
 * small pieces that often end in `}`; Baton buffers the pieces and must notice the closed object
 * without re-parsing the text so far at every piece. Prints the median times and the ratio.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from '../src/core/router/router';
import { validateSettings } from '../src/core/settings/validate';
import { fmt, median } from './util';

const CHARS = Number(process.env.BENCH_TOOL_CHARS ?? 240_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

const chunk = (delta: unknown, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const end = 'data: {"id":"c","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":1}}\n\ndata: [DONE]\n\n';

/** Code with braces, quotes and backslashes, cut the way tokenizers cut it: short pieces, `}` closing many. */
function pieces(text: string): string[] {
  return text.match(/[^}]{1,4}}?|}/g) ?? [];
}

function bodies(): { text: Buffer; tool: Buffer; content: string } {
  const line = 'export function f(a) {\n\tif (a) { return "}\\\\"; } // 完成\n}\n';
  const content = line.repeat(Math.ceil(CHARS / line.length));
  const args = JSON.stringify({ path: 'src/big.ts', content });
  const text = [...pieces(content).map((p) => chunk({ content: p })), chunk({}, 'stop'), end].join('');
  const tool = [
    chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_big', type: 'function', function: { name: 'write_file', arguments: '' } }] }),
    ...pieces(args).map((p) => chunk({ tool_calls: [{ index: 0, function: { arguments: p } }] })),
    chunk({}, 'tool_calls'),
    end,
  ].join('');
  return { text: Buffer.from(text), tool: Buffer.from(tool), content };
}

async function main(): Promise<void> {
  const { text, tool, content } = bodies();
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(req.url?.startsWith('/tool') ? tool : text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { settings } = validateSettings({
    models: [{ id: 'text', provider: 'openai', model: 'm', baseUrl: `${base}/text/v1` }, { id: 'tool', provider: 'openai', model: 'm', baseUrl: `${base}/tool/v1` }],
  });
  const router = new Router({ settings: () => settings, resolveKey: () => undefined });
  const run = async (model: string): Promise<number> => {
    const started = performance.now();
    let got = '';
    for await (const event of router.stream({ model, messages: [{ role: 'user', content: 'go' }] })) {
      if (event.type === 'text') got += event.text;
      if (event.type === 'tool-call') got = String(event.call.arguments.content);
    }
    if (got !== content) throw new Error(`${model}: delivered ${got.length} chars, expected ${content.length}`);
    return performance.now() - started;
  };
  await run('text');
  await run('tool');
  const textTimes: number[] = [];
  const toolTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    textTimes.push(await run('text'));
    toolTimes.push(await run('tool'));
  }
  server.close();
  const [t, c] = [median(textTimes), median(toolTimes)];
  console.log(`tool arguments: ${content.length.toLocaleString('en-US')} chars of code in ${pieces(content).length.toLocaleString('en-US')} pieces, median of ${RUNS} runs`);
  console.log(`  as answer text:                 ${fmt(t)} ms`);
  console.log(`  as one tool call's arguments:   ${fmt(c)} ms`);
  console.log(`  tool call / text = ${fmt(c / t, 2)}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
