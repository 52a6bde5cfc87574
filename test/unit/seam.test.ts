import * as assert from 'node:assert/strict';
import { anchorInstruction, continuationRequest, seamAnchor } from '../../src/core/router/continuation';
import { SeamForm, SeamStitcher } from '../../src/core/router/seam';
import { isRepetition, longestSuffixPrefix, openFenceAt, plausibleRepeat, seamWhitespace } from '../../src/core/router/seamText';

/** Feeds the backup's text in pieces of `size` and returns the user's final text and the stitcher's notes. */
function stitch(partial: string, continuation: string, form: SeamForm, size = 3): { text: string; notes: string[] } {
  const stitcher = new SeamStitcher(partial, form);
  let out = '';
  const chars = [...continuation];
  for (let i = 0; i < chars.length; i += size) out += stitcher.push(chars.slice(i, i + size).join(''));
  out += stitcher.end();
  return { text: partial + out, notes: stitcher.takeNotes() };
}

/** What a backup that repeats the anchor first sends: the anchor, then the exact rest after the shown text. */
const compliant = (partial: string, full: string) => seamAnchor(partial) + full.slice(partial.trimEnd().length);
/** What a backup that ignores the anchor and continues exactly sends (it was shown the partial without trailing whitespace). */
const exact = (partial: string, full: string) => full.slice(partial.trimEnd().length);

describe('seam stitching', () => {
  describe('the cases reported in issue 11', () => {
    const cases: { name: string; partial: string; full: string; form: SeamForm; sent: string }[] = [
      { name: 'python indentation after a line break (instruction, exact continuation)', partial: 'def f():\n', full: 'def f():\n    return 1', form: 'instruction', sent: '    return 1' },
      { name: 'a Makefile recipe tab', partial: 'app: main.o util.o\n', full: 'app: main.o util.o\n\t$(CC) -o app main.o util.o\n', form: 'instruction', sent: '\t$(CC) -o app main.o util.o\n' },
      { name: 'YAML nesting', partial: 'on:\n  push:\n', full: 'on:\n  push:\n    branches: [main]\n', form: 'instruction', sent: '    branches: [main]\n' },
      { name: 'repetitive data, by prefill', partial: '[0, 0, 0', full: '[0, 0, 0, 0, 0, 1]', form: 'prefill', sent: ', 0, 0, 1]' },
      { name: 'a nested closer, by prefill', partial: 'run();\n  });', full: 'run();\n  });\n});\n\nThat covers it.', form: 'prefill', sent: '\n});\n\nThat covers it.' },
      { name: 'bold headings, by prefill', partial: '**Step 1**', full: '**Step 1**\n\n**Step 2**', form: 'prefill', sent: '\n\n**Step 2**' },
      {
        name: 'a reopened fence and a restarted line inside a python block',
        partial: 'Here it is:\n\n```python\ndef total(xs):\n    s = 0\n    for x in x',
        full: 'Here it is:\n\n```python\ndef total(xs):\n    s = 0\n    for x in xs:\n        s += x\n    return s\n```\n',
        form: 'instruction', sent: '```python\n    for x in xs:\n        s += x\n    return s\n```\n',
      },
      { name: 'a preamble', partial: 'The fix is to pass the ti', full: 'The fix is to pass the timeout through.', form: 'instruction', sent: 'Continuing from where I left off:\n\nmeout through.' },
    ];
    for (const c of cases) {
      it(c.name, () => {
        for (const size of [1, 3, 64]) assert.equal(stitch(c.partial, c.sent, c.form, size).text, c.full, `in pieces of ${size}`);
      });
    }
  });

  describe('prefill', () => {
    it('never trims: text that looks like a repeat is the model continuing', () => {
      assert.equal(stitch('The quick bro', 'brown fox', 'prefill').text, 'The quick brobrown fox');
      assert.equal(stitch('====', '====\n\nNext', 'prefill').text, '========\n\nNext');
    });

    it('restores exactly the whitespace it trimmed from the prefill', () => {
      assert.equal(stitch('def f():\n  ', '\n    return 1', 'prefill').text, 'def f():\n    return 1', 'cut inside the indentation');
      assert.equal(stitch('all:\n\t', '\n\t\t@echo hi', 'prefill').text, 'all:\n\t\t@echo hi', 'cut inside tab indentation');
      assert.equal(stitch('Hello world. ', ' This is it.', 'prefill').text, 'Hello world. This is it.');
      assert.equal(stitch('para one.\n', '\n\nPara two.', 'prefill').text, 'para one.\n\nPara two.');
    });

    it('keeps the shown whitespace when the model writes it differently, and says so', () => {
      const { text, notes } = stitch('all:\n\t', '\n    @echo hi', 'prefill');
      assert.equal(text, 'all:\n\t@echo hi');
      assert.match(notes.join('\n'), /kept the shown whitespace/);
    });
  });

  describe('instruction', () => {
    const full = 'Steps:\n\n1. Stream from the primary.\n2. Detect the failure: reset, stall or an in-band error.\n3. Hand the partial on.\n';
    const cuts = [full.indexOf('failure') + 3, full.indexOf('2.'), full.indexOf('3.') - 1, full.indexOf('primary') + 7];

    it('cuts at the anchor when the backup repeats it, without a note', () => {
      for (const cut of cuts) {
        const partial = full.slice(0, cut);
        for (const size of [1, 5]) {
          const { text, notes } = stitch(partial, compliant(partial, full), 'instruction', size);
          assert.equal(text, full, `cut at ${cut}, pieces of ${size}`);
          assert.deepEqual(notes, []);
        }
      }
    });

    it('takes an exact continuation as it is when the backup ignores the anchor, and notes that', () => {
      for (const cut of cuts) {
        const partial = full.slice(0, cut);
        const { text, notes } = stitch(partial, exact(partial, full), 'instruction');
        assert.equal(text, full, `cut at ${cut}`);
        assert.match(notes.join('\n'), /did not begin with the requested anchor/);
      }
    });

    it('drops a repeated last word, line or the whole answer', () => {
      assert.equal(stitch('The quick bro', 'brown fox jumps.', 'instruction').text, 'The quick brown fox jumps.');
      assert.equal(stitch('Line one.\nLine tw', 'Line two.\nLine three.', 'instruction').text, 'Line one.\nLine two.\nLine three.');
      assert.equal(stitch('Hello world. Th', 'Hello world. This is it.', 'instruction').text, 'Hello world. This is it.');
      assert.equal(stitch('3. Hand the', 'd the partial on', 'instruction').text, '3. Hand the partial on');
      assert.equal(stitch('Hello world. ', 'world. This', 'instruction').text, 'Hello world. This');
    });

    it('recognises a restarted line with other indentation or case', () => {
      const partial = 'def total(xs):\n    s = 0\n    for x in x';
      assert.equal(stitch(partial, 'for x in xs:\n        s += x', 'instruction').text, 'def total(xs):\n    s = 0\n    for x in xs:\n        s += x');
      const { text, notes } = stitch(partial, '  FOR x in xs:\n        s += x', 'instruction');
      assert.equal(text, 'def total(xs):\n    s = 0\n    for x in xs:\n        s += x');
      assert.match(notes.join('\n'), /ignoring case and whitespace/);
    });

    it('recognises the anchor repeated with other indentation', () => {
      const partial = 'Sum:\n\ndef total(xs):\n    s = 0\n    return s';
      const full = `${partial}\n\nprint(total([1, 2]))`;
      const { text, notes } = stitch(partial, 'def total(xs):\n  s = 0\n  return s\n\nprint(total([1, 2]))', 'instruction');
      assert.equal(text, full);
      assert.match(notes.join('\n'), /ignoring case and whitespace/);
    });

    it('cuts after the anchor when the backup copies its tags too', () => {
      const partial = 'def total(xs):\n    s = 0\n    for x in x';
      const full = `${partial}s:\n        s += x`;
      const anchor = seamAnchor(partial);
      for (const size of [1, 4]) {
        assert.equal(stitch(partial, `<end_of_previous_reply>${anchor}</end_of_previous_reply>s:\n        s += x`, 'instruction', size).text, full);
        assert.equal(stitch(partial, `<end_of_previous_reply>${anchor}s:\n        s += x`, 'instruction', size).text, full);
      }
      assert.equal(stitch('Use <b', 'r> tags', 'instruction').text, 'Use <br> tags', 'a reply that only starts like the tag');
    });

    it('does not read a code line that mentions continuing as a preamble', () => {
      const partial = 'Try it (config: {"mode": "continue"';
      assert.equal(stitch(partial, ': "continue"}):\n\nDone.', 'instruction').text, 'Try it (config: {"mode": "continue"}):\n\nDone.');
      assert.equal(stitch('The team said it. ', 'Here’s what changed:\n\n- more', 'instruction').text, 'The team said it. Here’s what changed:\n\n- more');
    });

    it('never drops a genuine row of data that looks like a restatement', () => {
      const rows = 'grid = [\n    [0, 0, 0, 0],\n    [0, 0, 0, 0],\n    [0, 0, 0, 1],\n]\n';
      for (let cut = rows.indexOf('\n    [') + 1; cut < rows.indexOf('1],'); cut++) {
        const partial = rows.slice(0, cut);
        const { text, notes } = stitch(partial, exact(partial, rows), 'instruction');
        const lossless = text === rows || (text.startsWith(partial) && text.endsWith(rows.slice(cut)) && notes.some((n) => /may show twice/.test(n)));
        assert.ok(lossless, `cut at ${cut}: ${JSON.stringify(text)}`);
      }
    });

    it('does not trim a coincidental one-letter or mid-word overlap', () => {
      assert.equal(stitch('I said hello', 'o world', 'instruction').text, 'I said helloo world');
      assert.equal(stitch('the cat', 'at ease', 'instruction').text, 'the catat ease');
    });

    it('keeps a possible repeat in repetitive text rather than delete real data, and says so', () => {
      const { text, notes } = stitch('[0, 0, 0', ', 0, 0, 1]', 'instruction');
      assert.equal(text, '[0, 0, 0, 0, 0, 1]');
      assert.match(notes.join('\n'), /repetitive\); kept it/);
      assert.equal(stitch('Title\n=====', '=====\n\nBody', 'instruction').text, 'Title\n==========\n\nBody');
    });

    it('never reads a new line as a restatement: a closer on the next line is kept', () => {
      assert.equal(stitch('run();\n  });', '\n});\n\nThat covers it.', 'instruction').text, 'run();\n  });\n});\n\nThat covers it.');
    });

    it('keeps a bare fence that closes the block, and drops one that reopens it before a restated line', () => {
      const partial = '```\nmake all\n';
      assert.equal(stitch(partial, '```\n\nThen run it.', 'instruction').text, '```\nmake all\n```\n\nThen run it.');
      assert.equal(stitch(partial, '```\nmake all\nmake test\n```', 'instruction').text, '```\nmake all\nmake test\n```');
    });

    it('drops a preamble before the anchor too, and keeps whitespace that belongs to the answer', () => {
      const partial = 'def f():\n';
      assert.equal(stitch(partial, `Sure, here is the rest:\n\n${seamAnchor(partial)}\n    return 1`, 'instruction').text, 'def f():\n    return 1');
      assert.equal(stitch('para one.', 'Continuing:\n\n\n\nPara two.', 'instruction').text, 'para one.\n\nPara two.');
    });

    it('holds the reply only while it could still be the anchor or a repeat', () => {
      const stitcher = new SeamStitcher('alpha beta gamma', 'instruction');
      assert.equal(stitcher.push('beta'), '', 'could be a repeat of "beta gamma"');
      assert.equal(stitcher.push(' gamma delta'), ' delta');
      assert.equal(stitcher.push(' epsilon'), ' epsilon');
      assert.equal(stitcher.end(), '');
      const code = new SeamStitcher('x = compute(a)\nreturn x', 'instruction');
      assert.equal(code.push(' + 1;'), ' + 1;', 'code that is not in the partial passes at once');
    });

    it('decides on what it held when the reply ends', () => {
      const repeat = new SeamStitcher('alpha beta', 'instruction');
      assert.equal(repeat.push('beta'), '');
      assert.equal(repeat.end(), '', 'a pure repeat of the tail adds nothing');
      const short = new SeamStitcher('alpha beta.', 'instruction');
      assert.equal(short.push('.'), '');
      assert.equal(short.end(), '.', 'a short genuine ending is kept');
    });
  });

  describe('the anchor', () => {
    it('is the last line, extended while it is short or repetitive, and cut when it is long', () => {
      assert.equal(seamAnchor('intro\nThe failure is a reset, stall or in-ba'), 'The failure is a reset, stall or in-ba');
      assert.equal(seamAnchor('def f(x):\n    s = 0\n    return s\n\n'), 'def f(x):\n    s = 0\n    return s');
      assert.equal(seamAnchor('x = [\n  0, 0, 0, 0, 0, 0,\n  0, 0, 0, 0, 0, 0,\n  0, 0'), 'x = [\n  0, 0, 0, 0, 0, 0,\n  0, 0, 0, 0, 0, 0,\n  0, 0', 'rows like the ones above are no anchor');
      assert.equal(seamAnchor('intro\n\n  {\n'), 'intro\n\n  {', 'blank lines are passed over');
      const long = `${'word '.repeat(40)}end`;
      const anchor = seamAnchor(long);
      assert.ok(long.endsWith(anchor) && anchor.length <= 60 && anchor.startsWith('word'), anchor);
      const cjk = '我们'.repeat(40) + '😀完';
      assert.ok(cjk.endsWith(seamAnchor(cjk)) && !/^[\uDC00-\uDFFF]/.test(seamAnchor(cjk)));
    });

    it('travels in the instruction after the configured prompt, with the partial shown without trailing whitespace', () => {
      const request = continuationRequest({ messages: [{ role: 'user', content: 'q' }] }, 'def f():\n    ', 'instruction', 'Go on.');
      assert.equal(request.messages[1].content, 'def f():');
      assert.equal(request.messages[2].content, `Go on.\n\n${anchorInstruction('def f():')}`);
      assert.match(request.messages[2].content, /<end_of_previous_reply>def f\(\):<\/end_of_previous_reply>$/);
      const prefill = continuationRequest({ messages: [{ role: 'user', content: 'q' }] }, 'def f():\n    ', 'prefill', 'Go on.');
      assert.equal(prefill.messages[1].content, 'def f():');
    });
  });

  describe('text facts', () => {
    it('finds the longest suffix-prefix overlap in linear time', () => {
      assert.equal(longestSuffixPrefix('abcabc', 'abcabcx'), 6);
      assert.equal(longestSuffixPrefix('aaaa', 'aaab'), 3);
      assert.equal(longestSuffixPrefix('xyz', 'abc'), 0);
      const long = 'ab'.repeat(50_000);
      assert.equal(longestSuffixPrefix(long, `${long}c`), long.length);
    });

    it('tells repetitive runs and plausible repeats apart', () => {
      assert.ok(isRepetition(', 0, 0'));
      assert.ok(isRepetition('===='));
      assert.ok(!isRepetition('0, 0, 0'));
      assert.ok(!plausibleRepeat('[0, 0, 0', 6));
      assert.ok(plausibleRepeat('one two', 3));
      assert.ok(plausibleRepeat('我们去公园', 2), 'CJK characters are words');
      assert.ok(!plausibleRepeat('the cat', 2));
    });

    it('finds the code fence left open', () => {
      assert.equal(openFenceAt('a\n```python\nx = 1\n')?.info, 'python');
      assert.equal(openFenceAt('a\n```python\nx = 1\n```\n'), undefined);
      assert.equal(openFenceAt('a\n````md\n```\n')?.length, 4, 'a shorter fence does not close a longer one');
      assert.equal(openFenceAt('a\n```python'), undefined, 'an opener without its line break is not open yet');
    });

    it('reconciles seam whitespace without dropping what the backup added', () => {
      assert.deepEqual(seamWhitespace(' ', ' '), { text: '', exact: true });
      assert.deepEqual(seamWhitespace('', '\n'), { text: '\n', exact: true });
      assert.deepEqual(seamWhitespace('\n', '\n\n'), { text: '\n', exact: true });
      assert.deepEqual(seamWhitespace('\n', '    '), { text: '    ', exact: true }, 'the indentation of the shown new line');
      assert.deepEqual(seamWhitespace('\n  ', '    '), { text: '  ', exact: true }, 'the rest of a cut indentation');
      assert.deepEqual(seamWhitespace(' ', '\n  '), { text: '\n  ', exact: false });
      assert.deepEqual(seamWhitespace('\n\t', '\n    '), { text: '', exact: false });
    });
  });
});
