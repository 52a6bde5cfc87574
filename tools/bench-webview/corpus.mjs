// A long, realistic markdown answer for the webview benchmark: headings, prose with inline code,
// links and emphasis, nested lists, numbered steps, code blocks in several languages, tables and
// quotes. Deterministic (seeded), so every run streams the same text in the same deltas.

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const WORDS = ('the router keeps each answer whole when a provider fails mid stream so the backup model continues ' +
  'from the exact character where the first one stopped and the user reads one continuous text with a small marker ' +
  'at the seam while the status bar names the backup and the log records every attempt retry and fallback').split(' ');

function sentence(random, min = 8, max = 20) {
  const n = min + Math.floor(random() * (max - min));
  const words = Array.from({ length: n }, () => WORDS[Math.floor(random() * WORDS.length)]);
  if (random() < 0.3) words[Math.floor(random() * n)] = `\`${WORDS[Math.floor(random() * WORDS.length)]}()\``;
  if (random() < 0.25) words[Math.floor(random() * n)] = `**${WORDS[Math.floor(random() * WORDS.length)]}**`;
  if (random() < 0.15) words[Math.floor(random() * n)] = `[docs](https://example.com/${Math.floor(random() * 1000)})`;
  const text = words.join(' ');
  return `${text[0].toUpperCase()}${text.slice(1)}.`;
}

const paragraph = (random) => Array.from({ length: 2 + Math.floor(random() * 4) }, () => sentence(random)).join(' ');

function codeBlock(random, i) {
  switch (i % 3) {
    case 0:
      return ['```ts', `export async function step${i}(input: string[], limit = ${i}): Promise<number> {`,
        '  // Count the items that pass the check, stopping at the limit.', '  let count = 0;',
        '  for (const item of input) {', `    if (item.length > ${i % 7} && count < limit) count++;`, '  }',
        `  return count * ${Math.floor(random() * 100)};`, '}', '```'].join('\n');
    case 1:
      return ['```python', `def handle_${i}(events, retries=${i % 5}):`, '    """Replays events until one succeeds."""',
        '    for attempt in range(retries):', '        for event in events:', `            if event.get("kind") == "text_${i}":`,
        '                return event["text"]', '    raise RuntimeError("no event")', '```'].join('\n');
    default:
      return ['```json', '{', `  "id": "model-${i}",`, '  "provider": "anthropic",', `  "fallbacks": ["backup-${i}", "local"],`,
        `  "timeouts": { "firstTokenMs": ${1000 + i}, "idleMs": 8000 }`, '}', '```'].join('\n');
  }
}

function section(random, i) {
  const parts = [`## Part ${i + 1}: ${sentence(random, 3, 6).slice(0, -1)}`, paragraph(random)];
  parts.push(Array.from({ length: 3 + Math.floor(random() * 4) }, (_, j) =>
    `- ${sentence(random, 5, 12)}${j === 1 ? `\n  - ${sentence(random, 4, 8)}\n  - ${sentence(random, 4, 8)}` : ''}`).join('\n'));
  parts.push(paragraph(random));
  parts.push(codeBlock(random, i));
  parts.push(Array.from({ length: 3 }, (_, j) => `${j + 1}. ${sentence(random, 5, 10)}`).join('\n'));
  if (i % 4 === 0) parts.push(['| Setting | Value | Note |', '| --- | --- | --- |',
    ...Array.from({ length: 4 }, (_, j) => `| \`timeout${j}\` | ${j * 1000} | ${sentence(random, 3, 6)} |`)].join('\n'));
  if (i % 5 === 2) parts.push(`> ${sentence(random)}`);
  parts.push(paragraph(random));
  return parts.join('\n\n');
}

/** About `chars` characters of markdown (it ends on a whole section). */
export function corpus(chars = 100_000, seed = 42) {
  const random = rng(seed);
  const sections = [];
  let length = 0;
  for (let i = 0; length < chars; i++) {
    const next = section(random, i);
    sections.push(next);
    length += next.length + 2;
  }
  return sections.join('\n\n');
}

/** Splits text into deltas of 1 to 7 characters, as tokens arrive. */
export function toDeltas(text, seed = 7) {
  const random = rng(seed);
  const out = [];
  for (let i = 0; i < text.length;) {
    const size = 1 + Math.floor(random() * 7);
    out.push(text.slice(i, i + size));
    i += size;
  }
  return out;
}
