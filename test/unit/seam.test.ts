import * as assert from 'node:assert/strict';
import { acceptedOverlap, joinWhitespace, longestSuffixPrefix, SeamStitcher } from '../../src/core/router/seam';

/** Feeds the continuation in pieces of `size` and returns what the user would see after the partial. */
function stitch(partial: string, continuation: string, size = 3): string {
  const stitcher = new SeamStitcher(partial);
  let out = '';
  for (let i = 0; i < continuation.length; i += size) out += stitcher.push(continuation.slice(i, i + size));
  return partial + out + stitcher.end();
}

describe('seam stitching', () => {
  it('passes an exact continuation straight through', () => {
    assert.equal(stitch('The quick bro', 'wn fox jumps.'), 'The quick brown fox jumps.');
  });

  it('drops a repeated last word, line or the whole answer', () => {
    assert.equal(stitch('The quick bro', 'brown fox jumps.'), 'The quick brown fox jumps.');
    assert.equal(stitch('Line one.\nLine tw', 'Line two.\nLine three.'), 'Line one.\nLine two.\nLine three.');
    assert.equal(stitch('Hello world. Th', 'Hello world. This is it.'), 'Hello world. This is it.');
    assert.equal(stitch('3. Hand the', 'd the partial on'), '3. Hand the partial on');
  });

  it('does not trim a coincidental one-letter or mid-word overlap', () => {
    assert.equal(stitch('I said hello', 'o world'), 'I said helloo world');
    assert.equal(stitch('the cat', 'at ease'), 'the catat ease');
  });

  it('handles whitespace at the seam without losing or doubling it', () => {
    assert.equal(stitch('Hello world. ', ' This is it.'), 'Hello world. This is it.');
    assert.equal(stitch('Hello world. ', 'This is it.'), 'Hello world. This is it.');
    assert.equal(stitch('Hello world.', ' This is it.'), 'Hello world. This is it.');
    assert.equal(stitch('para one.\n', '\n\nPara two.'), 'para one.\n\nPara two.');
    assert.equal(stitch('para one.\n', '\nmore'), 'para one.\nmore');
    assert.equal(stitch('if (x) {\n    ', '\n    return 1;\n}'), 'if (x) {\n    return 1;\n}');
    assert.equal(stitch('Hello world. ', 'world. This'), 'Hello world. This');
  });

  it('holds a continuation only while it could still be a repeat', () => {
    const stitcher = new SeamStitcher('alpha beta gamma');
    assert.equal(stitcher.push('beta'), '', 'could be a repeat of "beta gamma"');
    assert.equal(stitcher.push(' gamma delta'), ' delta');
    assert.equal(stitcher.push(' epsilon'), ' epsilon');
    assert.equal(stitcher.end(), '');
  });

  it('decides on what it held when the continuation ends', () => {
    const repeat = new SeamStitcher('alpha beta');
    assert.equal(repeat.push('beta'), '');
    assert.equal(repeat.end(), '', 'a pure repeat of the tail adds nothing');
    const short = new SeamStitcher('alpha beta.');
    assert.equal(short.push('.'), '');
    assert.equal(short.end(), '.', 'a short genuine ending is kept');
  });

  it('finds the longest suffix-prefix overlap in linear time', () => {
    assert.equal(longestSuffixPrefix('abcabc', 'abcabcx'), 6);
    assert.equal(longestSuffixPrefix('aaaa', 'aaab'), 3);
    assert.equal(longestSuffixPrefix('xyz', 'abc'), 0);
    const long = 'ab'.repeat(50_000);
    assert.equal(longestSuffixPrefix(long, `${long}c`), long.length);
    assert.equal(acceptedOverlap('one two', 'two three'), 3);
  });

  it('reconciles whitespace it cannot take back', () => {
    assert.equal(joinWhitespace(' ', ' '), '');
    assert.equal(joinWhitespace('', '\n'), '\n');
    assert.equal(joinWhitespace('\n', '\n\n'), '\n');
    assert.equal(joinWhitespace(' ', '\n  '), '\n  ');
    assert.equal(joinWhitespace('\n', ' '), '');
  });
});
