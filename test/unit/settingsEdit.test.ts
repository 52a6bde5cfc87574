import * as assert from 'assert';
import { checkBaseUrl, checkModelId, dropFromFallbacks, hasModel, removeModel, setFallbacks, suggestModelId, upsertModel } from '../../src/core/settings/edit';

const OPENAI = 'https://api.openai.com/v1';

describe('settings edits of Baton: Manage Models', () => {
  it('suggests an id from the model name, unique among the taken ones', () => {
    assert.strictEqual(suggestModelId('gpt-4.1-mini', []), 'gpt-4.1-mini');
    assert.strictEqual(suggestModelId('openrouter/anthropic/claude-sonnet-4.5', []), 'claude-sonnet-4.5');
    assert.strictEqual(suggestModelId('qwen2.5-coder:7b', []), 'qwen2.5-coder-7b');
    assert.strictEqual(suggestModelId('  ', []), 'model');
    assert.strictEqual(suggestModelId('gpt-4.1', ['gpt-4.1', 'gpt-4.1-2']), 'gpt-4.1-3');
  });

  it('checks ids and base URLs with messages that say what to type', () => {
    assert.strictEqual(checkModelId('fast', ['claude']), undefined);
    assert.match(checkModelId('fast', ['fast'])!, /"fast" is taken by another model; choose another id/);
    assert.match(checkModelId('-x', [])!, /Use letters, digits/);
    assert.match(checkModelId('', [])!, /Enter an id/);
    assert.strictEqual(checkBaseUrl('http://127.0.0.1:8000/v1'), undefined);
    assert.match(checkBaseUrl('api.openai.com')!, /Enter an http:\/\/ or https:\/\/ URL/);
    assert.match(checkBaseUrl('https://user:sk-123@example.com/v1')!, /Leave credentials out of the URL/);
  });

  it('adds an entry at the end, leaving the others exactly as they were', () => {
    const list = [{ id: 'fast', provider: 'openai', model: 'gpt-4.1-mini', temperature: 0.2 }, 'not even an object'];
    const out = upsertModel(list, { id: 'local', provider: 'ollama', model: 'qwen2.5-coder', baseUrl: 'http://127.0.0.1:11434' }, 'http://127.0.0.1:11434');
    assert.deepStrictEqual(out, [...list, { id: 'local', provider: 'ollama', model: 'qwen2.5-coder' }]);
    assert.deepStrictEqual(upsertModel(undefined, { id: 'a', provider: 'openai', model: 'm', baseUrl: 'http://127.0.0.1:9/v1/' }, OPENAI), [{ id: 'a', provider: 'openai', model: 'm', baseUrl: 'http://127.0.0.1:9/v1/' }]);
  });

  it('edits an entry in place, keeping its other fields, and drops a base URL that went back to the default', () => {
    const list = [
      { id: 'fast', provider: 'openai', model: 'gpt-4.1-mini', baseUrl: 'http://proxy:4000/v1', label: 'Fast', headers: { 'HTTP-Referer': 'x' } },
      { id: 'claude', provider: 'anthropic', model: 'claude-sonnet-4-5' },
    ];
    const out = upsertModel(list, { id: 'fast', provider: 'openai', model: 'gpt-4.1', baseUrl: OPENAI }, OPENAI);
    assert.deepStrictEqual(out, [{ id: 'fast', provider: 'openai', model: 'gpt-4.1', label: 'Fast', headers: { 'HTTP-Referer': 'x' } }, list[1]]);
    assert.strictEqual(list[0].model, 'gpt-4.1-mini', 'the input is not changed');
  });

  it('removes an entry, and a model from every fallback list', () => {
    const list = [{ id: 'a', provider: 'openai', model: 'm' }, { id: 'b', provider: 'openai', model: 'm' }];
    assert.deepStrictEqual(removeModel(list, 'a'), [list[1]]);
    assert.strictEqual(hasModel(list, 'b'), true);
    assert.strictEqual(hasModel(removeModel(list, 'b'), 'b'), false);
    assert.deepStrictEqual(dropFromFallbacks({ a: ['b', 'c'], b: ['a'], c: ['b'] }, 'b'), { a: ['c'], c: [] });
  });

  it('sets one model\'s fallbacks and removes the key when there are none', () => {
    assert.deepStrictEqual(setFallbacks({ a: ['b'] }, 'c', ['a', 'b']), { a: ['b'], c: ['a', 'b'] });
    assert.deepStrictEqual(setFallbacks({ a: ['b'], c: ['a'] }, 'c', []), { a: ['b'] });
    assert.deepStrictEqual(setFallbacks(undefined, 'a', ['b']), { a: ['b'] });
  });
});
