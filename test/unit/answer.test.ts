import * as assert from 'node:assert/strict';
import { Answer } from '../../src/core/router/answer';

describe('the answer kept across handovers', () => {
  it('gives back exactly what was appended: tabs, CRLF, CJK, emoji, and a surrogate pair split between deltas', () => {
    const pieces = ['def f():\r\n', '\tif x:\n', '        return "完成"', ' 👍🏽', '\ud83d', '\ude00', '\u0000', ''];
    const answer = new Answer();
    for (const piece of pieces) answer.append(piece);
    assert.equal(answer.text, pieces.join(''));
    assert.equal(answer.length, pieces.join('').length);
  });

  it('keeps a lone surrogate that never got its other half', () => {
    const answer = new Answer();
    answer.append('a\ud83d');
    assert.equal(answer.text, 'a\ud83d');
  });

  it('grows well past its first capacity without losing or repeating a unit', () => {
    const answer = new Answer();
    let expected = '';
    for (let i = 0; i < 5_000; i++) {
      const piece = `${i}:${'ab完'.repeat(i % 23)}\n`;
      answer.append(piece);
      expected += piece;
    }
    answer.append('x'.repeat(100_000));
    expected += 'x'.repeat(100_000);
    assert.equal(answer.length, expected.length);
    assert.equal(answer.text, expected);
  });

  it('starts empty, and again after clear()', () => {
    const answer = new Answer();
    assert.equal(answer.text, '');
    assert.equal(answer.length, 0);
    answer.append('partial');
    answer.clear();
    assert.equal(answer.text, '');
    assert.equal(answer.length, 0);
    answer.append('again');
    assert.equal(answer.text, 'again');
  });
});
