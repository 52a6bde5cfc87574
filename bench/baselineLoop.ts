/**
 * The baseline the CLI is measured against: the least a program can do to print a streamed
 * OpenAI answer. fetch, eventsource-parser, the deltas of each network read joined and written
 * to stdout once per read. No routing, no timers, no error handling beyond a clear exit.
 *
 * Usage: node out/bench/baselineLoop.js BASE_URL   (BASE_URL ends in /v1)
 */
import { createParser } from 'eventsource-parser';

async function main(baseUrl: string): Promise<void> {
  const response = await fetch(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'go' }] }),
  });
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
  let pieces: string[] = [];
  const parser = createParser({
    onEvent(event) {
      if (event.data === '[DONE]') return;
      const content = JSON.parse(event.data).choices?.[0]?.delta?.content;
      if (content) pieces.push(content);
    },
  });
  const decoder = new TextDecoder();
  const reader = response.body.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    parser.feed(decoder.decode(chunk.value, { stream: true }));
    if (pieces.length) {
      process.stdout.write(pieces.join(''));
      pieces = [];
    }
  }
}

main(process.argv[2]).catch((error) => {
  process.stderr.write(`baseline: ${error?.message ?? error}\n`);
  process.exitCode = 1;
});
