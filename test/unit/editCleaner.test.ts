import * as assert from 'node:assert/strict';
import { cleanReply, isChatter } from '../../src/core/edit/replyCleaner';

const final = (reply: string, languageId = 'typescript', seams?: number[]) => cleanReply(reply, { final: true, languageId, seams });

/** Every prefix of the reply as it streams, cleaned, then the final cleaning. */
function streamed(reply: string, seams?: number[]): { steps: string[]; result: string } {
  const steps: string[] = [];
  for (let i = 0; i <= reply.length; i++) steps.push(cleanReply(reply.slice(0, i), { final: false, seams: seams?.filter((s) => s <= i) }));
  return { steps, result: cleanReply(reply, { final: true, seams }) };
}

const CODE = 'function total(items) {\n  return items.reduce((sum, item) => sum + item.price, 0);\n}\n';

describe('edit replies: fences and chatter', () => {
  it('leaves a bare code reply alone', () => {
    assert.equal(final(CODE), CODE);
    assert.equal(final('x = 1'), 'x = 1');
  });

  // The shapes real models produce when asked for "code only".
  const shapes: [string, string][] = [
    ['a fence with a language', '```javascript\n' + CODE + '```'],
    ['a fence with a language and a final newline', '```js\n' + CODE + '```\n'],
    ['a fence without a language', '```\n' + CODE + '```'],
    ['a tilde fence', '~~~js\n' + CODE + '~~~'],
    ['a longer fence', '````js\n' + CODE + '````'],
    ['a fence with an info string', '```js title="cart.js"\n' + CODE + '```'],
    ['a preamble before the fence', 'Here is the updated code:\n\n```javascript\n' + CODE + '```'],
    ['a cheerful preamble', "Sure! Here's the refactored function:\n```js\n" + CODE + '```\n'],
    ['a preamble and an explanation after', 'Certainly. Below is the revised version.\n\n```js\n' + CODE + '```\n\nThis version uses `reduce` instead of a loop, which is shorter.\n'],
    ['an explanation after the fence only', '```js\n' + CODE + '```\n\nI replaced the loop with reduce.'],
    ['prose the word list does not know, then a fence', 'I renamed the accumulator for clarity.\n\n```js\n' + CODE + '```'],
    ['a lead-in ending in a colon', 'Updated function with reduce:\n```js\n' + CODE + '```'],
    ['a preamble without a fence', "Here's the updated code:\n\n" + CODE],
    ['a stray closing fence', CODE + '```\n'],
    ['a stray closing fence and an explanation', CODE + '```\nThis uses reduce.'],
    ['leading blank lines', '\n\n' + CODE],
    ['CRLF line breaks', ('```js\n' + CODE + '```\n').replace(/\n/g, '\r\n')],
  ];
  for (const [name, reply] of shapes) {
    it(`strips ${name}`, () => {
      assert.equal(final(reply).replace(/\r\n/g, '\n'), CODE);
    });
  }

  it('keeps the code when a truncated reply never closed its fence', () => {
    assert.equal(final('```js\n' + CODE), CODE);
    assert.equal(final('```js\n' + CODE.slice(0, 30)), CODE.slice(0, 30));
  });

  it('keeps a Python header that ends in a colon', () => {
    const python = 'def total(items):\n    return sum(i.price for i in items)\n';
    assert.equal(final(python, 'python'), python);
    assert.equal(final('```python\n' + python + '```', 'python'), python);
    assert.equal(final('class Cart:\n\n    pass\n', 'python'), 'class Cart:\n\n    pass\n');
  });

  it('keeps fences inside a fenced Markdown reply', () => {
    const markdown = '# Usage\n\n```js\nrun();\n```\n\nThat is all.\n';
    assert.equal(final('````markdown\n' + markdown + '````', 'markdown'), markdown);
    assert.equal(final('```markdown\n' + markdown + '```', 'markdown'), markdown);
    assert.equal(final(markdown, 'markdown'), markdown);
  });

  it('tells chatter from code', () => {
    for (const line of ['Here is the updated code:', "Sure! Here's the function:", 'Certainly.', 'The updated function:', "I've added error handling:", 'Okay, here it is.']) {
      assert.ok(isChatter(line), line);
    }
    for (const line of ['ok = True', 'this.version = 2;', 'okay(1)', 'here = there', 'sure := true', 'const here = 1;', 'I = 1', 'the_following = []']) {
      assert.ok(!isChatter(line), line);
    }
  });

  it('streams the code as it comes, holding back only what could still be a fence or chatter', () => {
    const reply = 'Here is the updated code:\n\n```javascript\n' + CODE + '```\n\nThis version is shorter.';
    const { steps, result } = streamed(reply);
    assert.equal(result, CODE);
    for (const step of steps) assert.ok(CODE.startsWith(step), `not a prefix of the code: ${JSON.stringify(step)}`);
    const inside = reply.indexOf('items.reduce');
    assert.equal(steps[inside + 5], CODE.slice(0, CODE.indexOf('items.reduce') + 5), 'text inside the fence is shown at once');
    const beforeClose = reply.indexOf('```\n\nThis');
    assert.equal(steps[beforeClose + 2], CODE, 'a partial closing fence is held back');
  });

  it('streams a bare reply without holding back more than the first line', () => {
    const { steps, result } = streamed(CODE);
    assert.equal(result, CODE);
    const secondLine = CODE.indexOf('\n') + 1;
    assert.equal(steps[secondLine - 1], '', 'the first line is held until it is known');
    assert.equal(steps[secondLine + 4], CODE.slice(0, secondLine + 4));
    for (const step of steps) assert.ok(CODE.startsWith(step), JSON.stringify(step));
  });

  it('drops a fence or preamble a backup restates after a seam, and keeps a closing fence there', () => {
    const first = '```ts\nconst a = 1;\n';
    assert.equal(final(first + '```ts\nconst b = 2;\n```', 'typescript', [first.length]), 'const a = 1;\nconst b = 2;\n');
    assert.equal(final(first + "Here's the rest:\nconst b = 2;\n```", 'typescript', [first.length]), 'const a = 1;\nconst b = 2;\n');
    assert.equal(final(first + '```\n\nDone.', 'typescript', [first.length]), 'const a = 1;\n');
    const plain = 'const a = 1;\n';
    assert.equal(final(plain + '```ts\nconst b = 2;\n```', 'typescript', [plain.length]), 'const a = 1;\nconst b = 2;\n');
    const { steps } = streamed(first + '```ts\nconst b = 2;\n```', [first.length]);
    for (const step of steps) assert.ok('const a = 1;\nconst b = 2;\n'.startsWith(step), `restated fence shown: ${JSON.stringify(step)}`);
  });

  it('leaves a seam in the middle of a line alone', () => {
    const first = '```ts\nconst a = ';
    assert.equal(final(first + '1;\n```', 'typescript', [first.length]), 'const a = 1;\n');
  });
});
