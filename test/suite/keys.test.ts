import * as assert from 'assert';
import * as vscode from 'vscode';
import { FaultServer } from '../support/faultServer';
import { httpError, stream } from '../support/scripts';
import { answer } from '../support/wire';
import { baton, eventually, readLog, resetSettings, setSettings } from './helpers';

const KEY = 'sk-host-suite-0123456789abcdefXYZ';

describe('API keys in the editor', () => {
  let server: FaultServer;
  beforeEach(async () => {
    server = await FaultServer.start();
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('baton.clearApiKey', { model: 'keyed' });
    await resetSettings();
    await server.close();
  });

  async function configure(): Promise<void> {
    const api = await baton();
    await setSettings({ models: [{ id: 'keyed', provider: 'openai', model: 'gpt-test', baseUrl: `${server.url}/v1` }] });
    await eventually(() => api.session.config.settings.models[0]?.id === 'keyed', 'the keyed model');
  }

  it('a key stored through the command is sent as the request auth header', async () => {
    await configure();
    server.on('/v1', stream(answer('openai', ['ok'])));
    assert.strictEqual(await vscode.commands.executeCommand('baton.setApiKey', { model: 'keyed', key: KEY }), true);
    const results = await vscode.commands.executeCommand<{ ok: boolean }[]>('baton.checkModels');
    assert.strictEqual(results[0].ok, true);
    assert.strictEqual(server.received[0].headers.authorization, `Bearer ${KEY}`);
    assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('baton').get('models')).includes(KEY), 'never in settings');
  });

  it('a cleared key is no longer sent', async () => {
    await configure();
    server.on('/v1', stream(answer('openai', ['ok'])));
    await vscode.commands.executeCommand('baton.setApiKey', { model: 'keyed', key: KEY });
    await vscode.commands.executeCommand('baton.clearApiKey', { model: 'keyed' });
    await vscode.commands.executeCommand('baton.checkModels');
    assert.strictEqual(server.received[0].headers.authorization, undefined);
  });

  it('a key never appears in the log, even when the provider echoes it back', async () => {
    const api = await baton();
    await configure();
    server.on('/v1', httpError(401, { error: { message: `Incorrect API key provided: ${KEY}. You can find your API key at https://platform.openai.com/account/api-keys.`, type: 'invalid_request_error', code: 'invalid_api_key' } }));
    await vscode.commands.executeCommand('baton.setApiKey', { model: 'keyed', key: KEY });
    const results = await vscode.commands.executeCommand<{ ok: boolean; error?: string }[]>('baton.checkModels');
    assert.strictEqual(results[0].ok, false);
    const log = await eventually(() => {
      const text = readLog(api);
      return /check: keyed: FAILED/.test(text) ? text : undefined;
    }, 'the check in the log');
    assert.ok(log.includes('Incorrect API key provided: [redacted]'), log);
    assert.ok(!log.includes(KEY), 'the key leaked into the log');
    assert.ok(!log.includes(KEY.slice(0, 20)), 'part of the key leaked into the log');
    assert.ok(!results[0].error?.includes(KEY), 'the key leaked into the result');
  });

  it('an apiKey typed into settings is refused and can be moved into Secret Storage', async () => {
    const api = await baton();
    await setSettings({ models: [{ id: 'keyed', provider: 'openai', model: 'gpt-test', baseUrl: `${server.url}/v1`, apiKey: KEY }] });
    await eventually(() => /baton\.models\[0\]\.apiKey: refused/.test(readLog(api)), 'the refusal in the log');
    assert.ok(!readLog(api).includes(KEY));
    assert.ok(!api.session.config.settings.models.some((m) => m.id === 'keyed'), 'a model with a key in settings is not used');
    const moved = await (api.session.config as unknown as { moveKeysToSecretStorage(): Promise<number> }).moveKeysToSecretStorage();
    assert.strictEqual(moved, 1);
    const models = vscode.workspace.getConfiguration('baton').get<Record<string, unknown>[]>('models')!;
    assert.strictEqual(models[0].apiKey, undefined);
    await eventually(() => api.session.config.settings.models[0]?.id === 'keyed', 'the cleaned model');
    server.on('/v1', stream(answer('openai', ['ok'])));
    await vscode.commands.executeCommand('baton.checkModels');
    assert.strictEqual(server.received[0].headers.authorization, `Bearer ${KEY}`);
  });
});
