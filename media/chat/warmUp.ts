import { COMMON_LANGUAGES, highlight } from './highlight';
import { renderMarkdown } from './markdown';
import { sanitize } from './sanitize';

const SAMPLE = [
  '# Sample', '', 'Some **bold**, *em* and `code` with a [link](https://example.com).', '', '- item', '  - nested', '', '1. step', '',
  '| a | b |', '| --- | --- |', '| 1 | 2 |', '', '> quote', '', '```ts', 'const a: number = 1;', '```', '',
].join('\n');

/**
 * The first answer would otherwise pay for cold code: the markdown, sanitizing and highlighting
 * paths run for the first time, and highlight.js compiles each grammar on first use (tens of
 * milliseconds, some over a hundred: too long for a frame mid-stream). This runs them once, off
 * screen, one piece per idle period after the panel loads, and never while an answer streams.
 */
export function warmUp(streaming: () => boolean): void {
  let html = '';
  const steps: (() => unknown)[] = [
    () => { html = renderMarkdown(SAMPLE); },
    () => sanitize(html),
    ...COMMON_LANGUAGES.map((language) => () => highlight('x', language)),
  ];
  const next = () => {
    if (!streaming()) steps.shift()?.();
    if (steps.length) requestIdleCallback(next);
  };
  requestIdleCallback(next);
}
