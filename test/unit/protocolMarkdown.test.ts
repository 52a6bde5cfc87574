import * as assert from 'assert';
import { openBlock, toBlocks } from '../../media/chat/blocks';
import { lex, renderMarkdown, renderTokens } from '../../media/chat/markdown';
import { MAX_GAP_MS, MIN_GAP_MS, renderGap } from '../../media/chat/pacing';
import { sentinelIndex } from '../../media/chat/seamPlacement';

const DOC = [
  '# Title', '', 'Intro with **bold**, `code` and a [link](https://example.com).', 'Second line of the paragraph.', '',
  '- one', '- two', '', '  continued item two', '- three', '', '1. first', '2. second', '',
  '```ts', 'const a = 1;', '', 'const b = 2;', '```', '', '| a | b |', '| --- | --- |', '| 1 | 2 |', 'row without pipes', '',
  '> quoted', 'lazy line', '', 'Setext heading', '---', '', '    indented code', '', '***', '', 'The end.', '',
].join('\n');

/** Streams `text` in the given pieces the way the webview does, freezing every block before the open one. */
function streamFrozen(text: string, cuts: number[]): string {
  let frozenAt = 0;
  let html = '';
  for (const cut of [...cuts, text.length]) {
    const tokens = lex(text.slice(frozenAt, cut));
    const blocks = toBlocks(tokens, frozenAt);
    const open = cut === text.length ? blocks.length : openBlock(blocks);
    for (const block of blocks.slice(0, open)) html += renderTokens([block.token], tokens.links);
    if (open > 0) frozenAt = blocks[open - 1].end;
  }
  return html;
}

describe('protocol: streaming markdown in blocks', () => {
  it('token sources add up to the text, so block offsets are exact', () => {
    const blocks = toBlocks(lex(DOC), 0);
    assert.strictEqual(blocks.map((b) => b.token.raw).join(''), DOC);
    assert.strictEqual(blocks.at(-1)?.end, DOC.length);
  });

  it('freezing every block before the open one renders exactly what one full render does, wherever the stream is cut', () => {
    const whole = renderMarkdown(DOC);
    for (let step = 1; step <= 40; step += 3) {
      const cuts: number[] = [];
      for (let at = step; at < DOC.length; at += step) cuts.push(at);
      assert.strictEqual(streamFrozen(DOC, cuts), whole, `deltas of ${step} chars`);
    }
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let run = 0; run < 50; run++) {
      const cuts = Array.from({ length: 30 }, () => Math.floor(random() * DOC.length)).sort((a, b) => a - b);
      assert.strictEqual(streamFrozen(DOC, cuts), whole, `random cuts ${cuts}`);
    }
  });

  it('raw HTML in model output is shown as text, never as markup', () => {
    const html = renderMarkdown('<img src=x onerror=alert(1)>\n\ntext <script>alert(2)</script>');
    assert.ok(!/<img|<script/i.test(html), html);
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
  });

  it('highlights code with highlight.js classes and escapes unknown languages', () => {
    assert.match(renderMarkdown('```ts\nconst a = 1;\n```'), /<code class="hljs language-ts"><span class="hljs-keyword">const<\/span>/);
    assert.match(renderMarkdown('```nosuchlang\n<b>\n```'), /<code class="hljs language-nosuchlang">&lt;b&gt;/);
    assert.match(renderMarkdown('```"><img src=x>\nx\n```'), /<code class="hljs">x/);
  });

  it('places a seam marker at the end of the word the seam falls in, after block syntax', () => {
    const at = (source: string, offset: number) => {
      const index = sentinelIndex(source, offset);
      return index === undefined ? undefined : `${source.slice(0, index)}|${source.slice(index)}`;
    };
    assert.strictEqual(at('The quick brown fox', 6), 'The quick| brown fox');
    assert.strictEqual(at('The quick brown fox', 4), 'The quick| brown fox');
    assert.strictEqual(at('## Heading here', 0), '## Heading| here');
    assert.strictEqual(at('- [ ] task item', 1), '- [ ] task| item');
    assert.strictEqual(at('> 1. quoted list', 0), '> 1. quoted| list');
    assert.strictEqual(at('para **bold text** end', 9), 'para **bold| text** end');
    assert.strictEqual(at('see [the docs](https://x.y/z) now', 20), 'see [the docs](https://x.y/z)| now');
    assert.strictEqual(at('first\n\nsecond para', 5), 'first\n\nsecond| para');
    assert.strictEqual(at('last word', 9), undefined, 'nothing visible after the seam yet');
    assert.strictEqual(at('```ts\ncode\n```', 2), undefined, 'a fence line');
    assert.strictEqual(at('Title\n---', 7), undefined, 'a setext underline');
    assert.strictEqual(at('| a | b |\n| --- | --- |', 12), undefined, 'a table delimiter row');
    assert.strictEqual(at('```ts\nconst a = 1;\n```', 9), '```ts\nconst| a = 1;\n```', 'inside code it still ends a word');
  });

  it('paces renders: about 30 a second for readable streams, slower for floods or a costly open block', () => {
    assert.strictEqual(renderGap(0.5, 0), MIN_GAP_MS);
    assert.strictEqual(renderGap(0.5, 1_500), MIN_GAP_MS);
    assert.ok(renderGap(0.5, 5_000) > MIN_GAP_MS && renderGap(0.5, 5_000) < MAX_GAP_MS);
    assert.strictEqual(renderGap(0.5, 50_000), MAX_GAP_MS);
    assert.strictEqual(renderGap(20, 100), 80, 'a 20 ms open block gets four times its cost');
    assert.strictEqual(renderGap(500, 100), MAX_GAP_MS);
  });
});
