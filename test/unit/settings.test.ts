import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { keyFromEnvironment, modelKeyVariable } from '../../src/core/keys';
import { batonSection } from '../../src/core/settings/section';
import { DEFAULT_SETTINGS } from '../../src/core/settings/defaults';
import { SETTING_KEYS, validateSettings } from '../../src/core/settings/validate';

const problemsOf = (section: unknown) => validateSettings(section).problems.map((p) => `${p.path}: ${p.message}`);

describe('settings', () => {
  it('accepts the documented example and fills in defaults', () => {
    const { settings, problems } = validateSettings({
      models: [
        { id: 'fast', provider: 'openai', model: 'gpt-4.1-mini', baseUrl: 'https://api.openai.com/v1' },
        { id: 'claude', provider: 'anthropic', model: 'claude-sonnet-4-5' },
        { id: 'local', provider: 'ollama', model: 'qwen2.5-coder', baseUrl: 'http://127.0.0.1:11434' },
      ],
      fallbacks: { fast: ['claude', 'local'] },
      defaultModel: 'fast',
    });
    assert.deepEqual(problems, []);
    assert.equal(settings.models[1].baseUrl, 'https://api.anthropic.com/v1');
    assert.deepEqual(settings.timeouts, DEFAULT_SETTINGS.timeouts);
    assert.ok(settings.timeouts.idleMs <= 10_000, 'a stall is noticed within seconds');
  });

  it('names the offending field and what is expected', () => {
    const problems = problemsOf({
      models: [
        { id: 'a', provider: 'openia', model: 'x' },
        { id: 'b', provider: 'openai' },
        { id: 'c', provider: 'gemini', model: 'g', baseUrl: 'not a url' },
        { id: 'd', provider: 'openai', model: 'm', baseURL: 'http://x' },
      ],
      fallbacks: { d: ['zzz'] },
      defaultModel: 'nope',
      timeouts: { idleMs: -1 },
      continuation: { mode: 'sometimes' },
    });
    const expect = [
      /baton\.models\[0\]\.provider: unknown provider "openia"; expected one of openai, openai-responses, anthropic, gemini, ollama/,
      /baton\.models\[1\]\.model: missing/,
      /baton\.models\[2\]\.baseUrl: "not a url" is not a URL/,
      /baton\.models\[3\]\.baseURL: unknown field; did you mean "baseUrl"\?/,
      /baton\.fallbacks\.d\[0\]: unknown model id "zzz"/,
      /baton\.defaultModel: unknown model id "nope"/,
      /baton\.timeouts\.idleMs: expected a number of at least 1/,
      /baton\.continuation\.mode: expected one of "continue", "restart", "off"/,
    ];
    for (const pattern of expect) assert.ok(problems.some((p) => pattern.test(p)), `${pattern} in\n${problems.join('\n')}`);
  });

  it("takes a model's own timeouts over baton.timeouts, and names a bad one", () => {
    const { settings, problems } = validateSettings({
      models: [{ id: 'o3', provider: 'openai', model: 'o3', timeouts: { firstTokenMs: 90_000, headersMs: 5_000 } }],
      timeouts: { headersMs: 2_000 },
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(settings.models[0].timeouts, { firstTokenMs: 90_000, headersMs: 5_000 });
    assert.equal(settings.timeouts.headersMs, 2_000);
    assert.equal(settings.timeouts.firstTokenMs, DEFAULT_SETTINGS.timeouts.firstTokenMs);
    assert.ok(DEFAULT_SETTINGS.timeouts.headersMs < DEFAULT_SETTINGS.timeouts.firstTokenMs, 'a silent server is given up on before a slow model');
    const bad = problemsOf({ models: [{ id: 'o3', provider: 'openai', model: 'o3', timeouts: { firstTokenMs: -5, totalMs: 1_000 } }] });
    assert.ok(bad.some((p) => /baton\.models\[0\]\.timeouts\.firstTokenMs: expected a number of at least 1/.test(p)), bad.join('\n'));
    assert.ok(bad.some((p) => /baton\.models\[0\]\.timeouts\.totalMs: unknown field; expected one of headersMs, firstTokenMs, idleMs/.test(p)), bad.join('\n'));
  });

  it('refuses an apiKey in settings and a key in headers', () => {
    const problems = problemsOf({ models: [{ id: 'a', provider: 'openai', model: 'm', apiKey: 'sk-123', headers: { Authorization: 'Bearer x' } }] });
    assert.ok(problems.some((p) => /models\[0\]\.apiKey: refused: API keys belong in SecretStorage/.test(p)));
    assert.ok(problems.some((p) => /headers\.Authorization: refused/.test(p)));
  });

  it('reads the flat and the nested form of settings.json', () => {
    assert.deepEqual(batonSection({ 'baton.defaultModel': 'a', 'editor.fontSize': 12, baton: { fallbackOnRefusal: true } }), { defaultModel: 'a', fallbackOnRefusal: true });
  });

  it('takes keys from BATON_API_KEY_<ID>, and the provider variable only for its own endpoint', () => {
    const official = { id: 'my-fast.1', provider: 'openai' as const, model: 'm', baseUrl: 'https://api.openai.com/v1' };
    const proxy = { ...official, baseUrl: 'https://openrouter.ai/api/v1' };
    assert.equal(modelKeyVariable('my-fast.1'), 'BATON_API_KEY_MY_FAST_1');
    assert.equal(keyFromEnvironment(official, { BATON_API_KEY_MY_FAST_1: 'k1', OPENAI_API_KEY: 'k2' }), 'k1');
    assert.equal(keyFromEnvironment(official, { OPENAI_API_KEY: 'k2' }), 'k2');
    assert.equal(keyFromEnvironment(proxy, { OPENAI_API_KEY: 'k2' }), undefined, 'an OpenAI key never goes to a third party');
  });

  it('package.json declares exactly the keys the validator knows, with the provider enum', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8'));
    const properties = manifest.contributes.configuration.properties;
    const declared = Object.keys(properties).map((key) => key.replace(/^baton\./, '')).sort();
    assert.deepEqual(declared, [...SETTING_KEYS].sort());
    for (const [key, schema] of Object.entries<any>(properties)) {
      if (schema.default === undefined) continue;
      assert.deepEqual(validateSettings({ [key.slice(6)]: schema.default }).problems, [], `${key}'s default is valid`);
    }
    assert.deepEqual(properties['baton.models'].items.properties.provider.enum, ['openai', 'openai-responses', 'anthropic', 'gemini', 'ollama']);
    assert.deepEqual(Object.keys(properties['baton.timeouts'].properties).sort(), Object.keys(DEFAULT_SETTINGS.timeouts).sort());
    assert.deepEqual(Object.keys(properties['baton.models'].items.properties.timeouts.properties).sort(), ['firstTokenMs', 'headersMs', 'idleMs']);
  });
});
