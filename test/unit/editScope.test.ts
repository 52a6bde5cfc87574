import * as assert from 'node:assert/strict';
import { buildEditRequest, contextAbove, contextBelow, EDIT_SYSTEM_PROMPT } from '../../src/core/edit/prompt';
import { chooseScope, EditScope, indentOf } from '../../src/core/edit/scope';

const TS = `import { readFile } from 'fs';

export class Cart {
  private items: Item[] = [];

  add(item: Item): void {
    if (!item.price) {
      throw new Error('no price');
    } else {
      this.items.push(item);
    }
  }

  @memoize()
  total(): number {
    let sum = 0;
    for (const item of this.items) {
      sum += item.price;
    }
    return sum;
  }
}

export const format = (value: number) => {
  return value.toFixed(2);
};

const a = 1;
const b = 2;

const c = 3;
`.split('\n');

const PY = `import os


def load(path):
    with open(path) as f:
        data = f.read()
    return data


class Store:
    def __init__(self):
        self.items = []

    def add(self, item):
        if item:
            self.items.append(item)
        else:
            raise ValueError("empty")
`.split('\n');

const BIG = { smallFileLines: 5, smallFileChars: 100, maxBlockLines: 300 };
const span = (scope: EditScope) => [scope.span.start + 1, scope.span.end + 1];
const lineOf = (lines: string[], text: string) => lines.findIndex((line) => line.includes(text));

describe('edit scope without a selection', () => {
  it('takes the whole file when it is small', () => {
    const scope = chooseScope(['const a = 1;', 'const b = 2;', ''], 1);
    assert.equal(scope.kind, 'file');
    assert.deepEqual(span(scope), [1, 2]);
  });

  it('takes the method around the cursor, not the if inside it', () => {
    const scope = chooseScope(TS, lineOf(TS, "throw new Error"), BIG);
    assert.equal(scope.kind, 'block');
    assert.deepEqual(span(scope), [6, 12]);
    assert.equal(scope.kind === 'block' && scope.header, 'add(item: Item): void {');
  });

  it('includes decorators and the closing brace', () => {
    assert.deepEqual(span(chooseScope(TS, lineOf(TS, 'sum += item.price'), BIG)), [14, 21]);
  });

  it('takes the block when the cursor is on its header line or its closing line', () => {
    assert.deepEqual(span(chooseScope(TS, lineOf(TS, 'total(): number'), BIG)), [14, 21]);
    assert.deepEqual(span(chooseScope(TS, lineOf(TS, 'export const format'), BIG)), [24, 26]);
    assert.deepEqual(span(chooseScope(TS, lineOf(TS, 'this.items.push') + 2, BIG)), [6, 12]);
  });

  it('takes the class when the cursor is on a field', () => {
    assert.deepEqual(span(chooseScope(TS, lineOf(TS, 'private items'), BIG)), [3, 22]);
  });

  it('takes the paragraph for top-level statements', () => {
    const scope = chooseScope(TS, lineOf(TS, 'const b = 2'), BIG);
    assert.equal(scope.kind, 'lines');
    assert.deepEqual(span(scope), [28, 29]);
  });

  it('understands Python blocks by indentation', () => {
    assert.deepEqual(span(chooseScope(PY, lineOf(PY, 'raise ValueError'), BIG)), [14, 18]);
    assert.deepEqual(span(chooseScope(PY, lineOf(PY, 'data = f.read()'), BIG)), [4, 7]);
    assert.deepEqual(span(chooseScope(PY, lineOf(PY, 'class Store'), BIG)), [10, 18]);
  });

  it('falls back to a smaller block when the enclosing one is too long', () => {
    const scope = chooseScope(TS, lineOf(TS, 'sum += item.price'), { ...BIG, maxBlockLines: 5 });
    assert.deepEqual(span(scope), [17, 19]);
  });

  it('measures tabs to the next stop of four', () => {
    assert.equal(indentOf('\tx'), 4);
    assert.equal(indentOf('  \tx'), 4);
    assert.equal(indentOf('    \t x'), 9);
  });
});

describe('edit prompt', () => {
  it('asks for the replacement only, with the instruction, the language and the context', () => {
    const request = buildEditRequest({
      instruction: ' Use reduce ', languageId: 'typescript', fileName: 'src/cart.ts', code: '  total() {}', firstLine: 14, lastLine: 22,
      before: 'class Cart {', after: '}', what: 'the selected lines',
    });
    assert.equal(request.system, EDIT_SYSTEM_PROMPT);
    assert.match(request.system!, /no Markdown code fences/);
    assert.equal(request.messages.length, 1);
    const text = request.messages[0].content;
    assert.match(text, /^File: src\/cart\.ts \(typescript\)/);
    assert.match(text, /<above>\nclass Cart \{\n<\/above>/);
    assert.match(text, /the selected lines, lines 14-22:\n<region>\n {2}total\(\) \{\}\n<\/region>/);
    assert.match(text, /<below>\n\}\n<\/below>/);
    assert.match(text, /Instruction: Use reduce\n/);
    assert.ok(text.indexOf('<above>') < text.indexOf('<region>') && text.indexOf('<region>') < text.indexOf('<below>'));
  });

  it('leaves out empty context', () => {
    const text = buildEditRequest({ instruction: 'x', languageId: 'plaintext', fileName: 'a.txt', code: 'a', firstLine: 1, lastLine: 1, before: '', after: '', what: 'the whole file' }).messages[0].content;
    assert.doesNotMatch(text, /<above>|<below>/);
    assert.match(text, /\(plain text\)/);
  });

  it('takes the nearest lines of context, within the limits', () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i}`);
    const above = contextAbove(lines, 80, 100_000).split('\n');
    assert.equal(above.length, 80);
    assert.equal(above[79], 'line 199');
    assert.equal(contextBelow(lines, 40, 30).split('\n').length, 4);
    assert.equal(contextBelow(['', '', 'x', ''], 10, 100), 'x');
  });
});
