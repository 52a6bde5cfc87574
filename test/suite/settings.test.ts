import * as assert from 'assert';
import * as vscode from 'vscode';
import { baton, eventually, EXTENSION_ID, readLog, resetSettings, setSettings } from './helpers';

describe('settings in the editor', () => {
  afterEach(resetSettings);

  it('declares every baton.* key with a schema: provider enum, defaults, descriptions', () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
    const properties = manifest.contributes.configuration.properties;
    assert.deepStrictEqual(Object.keys(properties).sort(), [
      'baton.continuation', 'baton.cooldown', 'baton.defaultModel', 'baton.fallbackOnRefusal', 'baton.fallbacks', 'baton.models', 'baton.retry', 'baton.timeouts',
    ]);
    assert.deepStrictEqual(properties['baton.models'].items.properties.provider.enum, ['openai', 'openai-responses', 'anthropic', 'gemini', 'ollama']);
    assert.strictEqual(properties['baton.models'].items.additionalProperties, false, 'typos such as "baseURL" are flagged');
    assert.deepStrictEqual(properties['baton.continuation'].properties.mode.enum, ['continue', 'restart', 'off']);
    for (const [key, schema] of Object.entries<any>(properties)) {
      assert.ok(schema.description || schema.markdownDescription, `${key} has hover docs`);
    }
    const inspected = vscode.workspace.getConfiguration('baton').inspect<{ idleMs: number }>('timeouts');
    assert.ok(inspected?.defaultValue && inspected.defaultValue.idleMs <= 10_000, 'the editor knows the defaults');
  });

  it('declares the scope of every setting, and keeps settings that route traffic or keys out of untrusted workspaces', () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
    const properties = manifest.contributes.configuration.properties;
    for (const [key, schema] of Object.entries<any>(properties)) assert.ok(schema.scope, `${key} declares its scope`);
    const untrusted = manifest.capabilities.untrustedWorkspaces;
    assert.strictEqual(untrusted.supported, 'limited');
    assert.deepStrictEqual([...untrusted.restrictedConfigurations].sort(), [
      'baton.continuation', 'baton.defaultModel', 'baton.fallbackOnRefusal', 'baton.fallbacks', 'baton.models', 'baton.retry',
    ]);
  });

  it('applies changes live, without a reload', async () => {
    const api = await baton();
    await setSettings({ models: [{ id: 'live-a', provider: 'ollama', model: 'qwen' }], defaultModel: 'live-a' });
    await eventually(() => api.session.config.settings.models.some((m) => m.id === 'live-a'), 'the new model');
    assert.strictEqual(api.session.config.settings.models[0].baseUrl, 'http://127.0.0.1:11434');
    await setSettings({ timeouts: { firstTokenMs: 3000, idleMs: 1234, totalMs: 60000 } });
    await eventually(() => api.session.config.settings.timeouts.idleMs === 1234, 'the new idle timeout');
  });

  it('keeps the last good configuration when a setting is invalid, and logs the field', async () => {
    const api = await baton();
    await setSettings({ models: [{ id: 'good', provider: 'openai', model: 'gpt-4.1-mini' }] });
    await eventually(() => api.session.config.settings.models[0]?.id === 'good', 'the good model');
    await setSettings({ models: [{ id: 'bad', provider: 'openia', model: 'x' }] });
    await eventually(() => /baton\.models\[0\]\.provider: unknown provider "openia"/.test(readLog(api)), 'the problem in the log');
    assert.strictEqual(api.session.config.settings.models[0].id, 'good');
  });
});
