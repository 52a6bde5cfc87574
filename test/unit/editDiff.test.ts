import * as assert from 'node:assert/strict';
import { DiffLine, diffLines, keptLines, lcsDiff } from '../../src/core/edit/lineDiff';
import { minimalEdit, RegionText } from '../../src/core/edit/regionText';
import { commonIndent, replacementLines } from '../../src/core/edit/replacement';

/** A small deterministic PRNG (mulberry32), so a failing case can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['a', 'b', 'c', '}', '', 'return x;', 'if (y) {', '  z();', 'const q = 1;'];
const lines = (next: () => number, max: number) => Array.from({ length: Math.floor(next() * max) }, () => WORDS[Math.floor(next() * WORDS.length)]);
const kinds = (diff: DiffLine[]) => diff.map((line) => `${line.kind[0]}:${line.text}`);

describe('edit diff: the pending edit as interleaved lines', () => {
  it('marks changed lines and keeps unchanged ones once', () => {
    const diff = lcsDiff(['a', 'b', 'c', 'd'], ['a', 'B', 'c', 'd', 'e']);
    assert.deepEqual(kinds(diff), ['s:a', 'r:b', 'a:B', 's:c', 's:d', 'a:e']);
  });

  it('while streaming, keeps every decision and shows the original not reached yet as pending', () => {
    const original = ['function f() {', '  let x = 1;', '  return x;', '}'];
    const diff = diffLines(original, ['function f() {', '  const x = 1;'], '  ret', false);
    assert.deepEqual(kinds(diff), ['s:function f() {', 'a:  const x = 1;', 'a:  ret', 'p:  let x = 1;', 'p:  return x;', 'p:}']);
    const later = diffLines(original, ['function f() {', '  const x = 1;', '  return x;'], '', false);
    assert.deepEqual(kinds(later), ['s:function f() {', 'a:  const x = 1;', 'r:  let x = 1;', 's:  return x;', 'p:}']);
  });

  it('does not anchor on a lone bracket far below', () => {
    const diff = diffLines(['if (a) {', '  b();', '}', 'c();', '}'], ['}'], '', false);
    assert.deepEqual(kinds(diff), ['a:}', 'p:if (a) {', 'p:  b();', 'p:}', 'p:c();', 'p:}']);
  });

  it('rejecting keeps the original and accepting keeps the replacement, at every step (random cases)', () => {
    const next = random(42);
    for (let round = 0; round < 400; round++) {
      const original = lines(next, 12);
      const replacement = lines(next, 12);
      for (let k = 0; k <= replacement.length; k++) {
        const diff = diffLines(original, replacement.slice(0, k), '', false);
        assert.deepEqual(keptLines(diff, 'reject'), original, `round ${round}, step ${k}`);
      }
      const done = diffLines(original, replacement, '', true);
      assert.deepEqual(keptLines(done, 'reject'), original, `round ${round}`);
      assert.deepEqual(keptLines(done, 'accept'), replacement, `round ${round}`);
      assert.ok(!done.some((line) => line.kind === 'pending'));
    }
  });

  it('is minimal when done: the unchanged lines are the longest common subsequence', () => {
    const diff = lcsDiff(['x', 'a', 'b', 'c', 'y'], ['a', 'b', 'z', 'c']);
    assert.equal(diff.filter((line) => line.kind === 'same').length, 3);
  });
});

describe('edit region text', () => {
  it('round-trips the original byte for byte: LF, CRLF, no final line break, empty', () => {
    for (const [text, eol] of [['a\nb\n', '\n'], ['a\r\nb\r\n', '\r\n'], ['a\r\nb', '\r\n'], ['', '\n'], ['\n', '\n'], ['\n\n', '\n'], ['x\r\n\r\n', '\r\n']]) {
      const region = RegionText.original(text, eol);
      assert.equal(region.text, text, JSON.stringify(text));
      assert.equal(region.outcome('reject'), text);
      assert.equal(region.outcome('accept'), text);
    }
  });

  it('joins the outcome with the document line ending', () => {
    const region = RegionText.original('a\r\nb\r\n', '\r\n');
    region.lines = lcsDiff(['a', 'b'], ['a', 'B', 'c']);
    assert.equal(region.text, 'a\r\nb\r\nB\r\nc\r\n');
    assert.equal(region.outcome('accept'), 'a\r\nB\r\nc\r\n');
    assert.equal(region.outcome('reject'), 'a\r\nb\r\n');
  });

  it('takes a person’s typing inside a line into that line, whatever its kind', () => {
    const region = RegionText.original('a\nb\n', '\n');
    region.lines = lcsDiff(['a', 'b'], ['a', 'B']);
    assert.equal(region.text, 'a\nb\nB\n');
    assert.ok(region.applyEdit(region.text.indexOf('B') + 1, 0, '!'));
    assert.equal(region.outcome('accept'), 'a\nB!\n');
    assert.equal(region.outcome('reject'), 'a\nb\n');
    assert.ok(region.applyEdit(1, 0, '\nnew'));
    assert.equal(region.outcome('accept'), 'a\nnew\nB!\n');
    assert.equal(region.outcome('reject'), 'a\nnew\nb\n');
  });

  it('refuses an edit that removes the region’s final line break', () => {
    const region = RegionText.original('a\nb\n', '\n');
    assert.equal(region.applyEdit(3, 1, ''), false);
  });

  it('finds the smallest replacement, never splitting a CRLF or a surrogate pair', () => {
    const next = random(7);
    const alphabet = ['a', 'b', '\r\n', '😀', 'é', ' '];
    const text = (n: number) => Array.from({ length: Math.floor(next() * n) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
    for (let round = 0; round < 2000; round++) {
      const before = text(10);
      const after = text(10);
      const edit = minimalEdit(before, after);
      if (before === after) {
        assert.equal(edit, undefined);
        continue;
      }
      assert.ok(edit);
      assert.equal(before.slice(0, edit.start) + edit.text + before.slice(edit.end), after);
      for (const cut of [edit.start, edit.end]) {
        assert.ok(!(before[cut - 1] === '\r' && before[cut] === '\n'), `splits CRLF: ${JSON.stringify([before, after, edit])}`);
        const code = before.charCodeAt(cut);
        assert.ok(!(code >= 0xdc00 && code <= 0xdfff), 'splits a surrogate pair');
      }
    }
    assert.deepEqual(minimalEdit('abc\n', 'abXc\n'), { start: 2, end: 2, text: 'X' });
  });
});

describe('edit replacement lines', () => {
  it('treats the reply’s final line break as the end of its last line', () => {
    assert.deepEqual(replacementLines('a\nb\n', true, ''), { lines: ['a', 'b'], partial: '' });
    assert.deepEqual(replacementLines('a\nb', true, ''), { lines: ['a', 'b'], partial: '' });
    assert.deepEqual(replacementLines('', true, ''), { lines: [], partial: '' });
    assert.deepEqual(replacementLines('a\r\nb\r\n', true, ''), { lines: ['a', 'b'], partial: '' });
  });

  it('splits a streaming reply into complete lines and the partial one', () => {
    assert.deepEqual(replacementLines('a\nb', false, ''), { lines: ['a'], partial: 'b' });
    assert.deepEqual(replacementLines('a\n', false, ''), { lines: ['a'], partial: '' });
    assert.deepEqual(replacementLines('', false, ''), { lines: [], partial: '' });
  });

  it('puts back an indentation the model dropped, and only then', () => {
    assert.deepEqual(replacementLines('if (x) {\n  y();\n}\n', true, '    '), { lines: ['    if (x) {', '      y();', '    }'], partial: '' });
    assert.deepEqual(replacementLines('    if (x) {\n', true, '    '), { lines: ['    if (x) {'], partial: '' });
    assert.deepEqual(replacementLines('\nx', false, '  '), { lines: [''], partial: '  x' });
    assert.equal(commonIndent(['    a', '', '      b', '    c']), '    ');
    assert.equal(commonIndent(['\ta', '  b']), '');
  });
});
