import * as assert from 'assert';
import { chainLabel, describeModels, PROVIDER_LIMITS, tokenLimits } from '../../src/core/lm/models';
import { estimateMessageTokens, estimateTokens } from '../../src/core/lm/tokens';
import { validateSettings } from '../../src/core/settings/validate';

function settings(section: Record<string, unknown>) {
  const { settings: value, problems } = validateSettings(section);
  assert.deepStrictEqual(problems, []);
  return value;
}

const THREE = settings({
  models: [
    { id: 'fast', provider: 'openai', model: 'gpt-4.1-mini' },
    { id: 'claude', provider: 'anthropic', model: 'claude-sonnet-4-5', contextWindow: 200_000, maxTokens: 8_000 },
    { id: 'local', provider: 'ollama', model: 'qwen2.5-coder', label: 'Local coder' },
  ],
  fallbacks: { fast: ['claude', 'local'], claude: ['local'] },
});

describe('language models: how Baton lists its models', () => {
  it('lists every configured model in order, with its chain as the detail', () => {
    const models = describeModels(THREE);
    assert.deepStrictEqual(models.map((m) => [m.id, m.name, m.detail]), [
      ['fast', 'fast', 'fast → claude → local'],
      ['claude', 'claude', 'claude → local'],
      ['local', 'Local coder', 'local'],
    ]);
    assert.strictEqual(chainLabel(THREE, 'fast'), 'fast → claude → local');
    assert.deepStrictEqual(models.map((m) => [m.family, m.version]), [
      ['gpt-4.1-mini', 'openai/gpt-4.1-mini'], ['claude-sonnet-4-5', 'anthropic/claude-sonnet-4-5'], ['qwen2.5-coder', 'ollama/qwen2.5-coder'],
    ]);
  });

  it('says in the tooltip what the model is and who takes over', () => {
    const [fast, , local] = describeModels(THREE);
    assert.strictEqual(fast.tooltip, 'fast: openai · gpt-4.1-mini at api.openai.com. When it fails, the same answer continues on claude, then local.');
    assert.strictEqual(local.tooltip, 'local: ollama · qwen2.5-coder at 127.0.0.1:11434. No fallbacks: add some with "Baton: Manage Models".');
  });

  it('gives every model a distinct name: equal labels get their ids', () => {
    const models = describeModels(settings({
      models: [
        { id: 'a', provider: 'openai', model: 'm', label: 'GPT' },
        { id: 'b', provider: 'openai', model: 'm', label: 'GPT' },
        { id: 'GPT', provider: 'openai', model: 'm' },
        { id: 'c', provider: 'openai', model: 'm', label: 'Other' },
      ],
    }));
    assert.deepStrictEqual(models.map((m) => m.name), ['GPT (a)', 'GPT (b)', 'GPT (GPT)', 'Other']);
    assert.strictEqual(new Set(models.map((m) => m.name)).size, models.length);
  });

  it('takes token limits from the entry, else from its protocol, leaving room for the prompt in a small window', () => {
    const [fast, claude, local] = describeModels(THREE);
    assert.deepStrictEqual([fast.maxInputTokens, fast.maxOutputTokens], [128_000 - 16_384, 16_384]);
    assert.deepStrictEqual([claude.maxInputTokens, claude.maxOutputTokens], [192_000, 8_000]);
    assert.deepStrictEqual([local.maxInputTokens, local.maxOutputTokens], [PROVIDER_LIMITS.ollama.contextWindow - 2_048, 2_048]);
    assert.deepStrictEqual(tokenLimits({ id: 'x', provider: 'openai', model: 'm', baseUrl: 'http://h', contextWindow: 8_192 }), { maxInputTokens: 6_144, maxOutputTokens: 2_048 });
  });

  it('declares tool calling for every protocol Baton speaks, except on a model with tools: false', () => {
    assert.deepStrictEqual(describeModels(THREE).map((m) => m.toolCalling), [true, true, true]);
    const noTools = { ...THREE, models: [{ ...THREE.models[0], tools: false }, THREE.models[1]] };
    assert.deepStrictEqual(describeModels(noTools).map((m) => m.toolCalling), [false, true]);
  });
});

describe('language models: token estimate', () => {
  it('counts ASCII at 3.5 characters a token and every other code point as one', () => {
    assert.strictEqual(estimateTokens(''), 0);
    assert.strictEqual(estimateTokens('abcdefg'), 2);
    assert.strictEqual(estimateTokens('价格相加'), 4);
    assert.strictEqual(estimateTokens('🧮 ok'), 1 + 1);
  });

  it('counts a message as its parts plus a small overhead; tool calls as their JSON', () => {
    const call = { type: 'tool-call' as const, callId: 'c1', name: 'read_file', input: { path: 'src/cart.ts' } };
    assert.strictEqual(estimateMessageTokens({ role: 'user', parts: [{ type: 'text', text: 'abcdefg' }] }), 3 + 2);
    assert.strictEqual(estimateMessageTokens({ role: 'assistant', parts: [call] }), 3 + estimateTokens('read_file') + estimateTokens('{"path":"src/cart.ts"}'));
    assert.strictEqual(estimateMessageTokens({ role: 'user', parts: [{ type: 'other', what: 'image' }] }), 3);
  });
});
