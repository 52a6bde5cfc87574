import * as assert from 'assert';
import type { ServerResponse } from 'http';
import * as vscode from 'vscode';
import { FaultServer, Received } from '../support/faultServer';
import { stream } from '../support/scripts';
import { answer } from '../support/wire';
import { baton, eventually, readLog, resetSettings, setSettings } from './helpers';

// Keys in the real extension host, against real servers: a redirect never carries a key to
// another origin (issue 13, item 3), and environment keys go only where they belong (item 4).

const KEY = 'sk-host-suite-redirect-0123456789abcdef';
type Check = { model: string; ok: boolean; hasKey: boolean; error?: string };

describe('keys stay with their origin in the editor', function () {
  this.timeout(30_000);
  let home: FaultServer;
  let elsewhere: FaultServer;
  const saved: Record<string, string | undefined> = {};
  beforeEach(async () => {
    [home, elsewhere] = await Promise.all([FaultServer.start(), FaultServer.start()]);
  });
  afterEach(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await vscode.commands.executeCommand('baton.clearApiKey', { model: 'anthropic-model' });
    await resetSettings();
    await Promise.all([home.close(), elsewhere.close()]);
  });
  /** Sets a variable in the extension host's own environment, which Baton reads. */
  const setEnv = (name: string, value: string) => {
    if (!(name in saved)) saved[name] = process.env[name];
    process.env[name] = value;
  };

  async function configure(models: object[]): Promise<void> {
    const api = await baton();
    await setSettings({ models });
    const ids = models.map((m) => (m as { id: string }).id).join(',');
    await eventually(() => api.session.config.settings.models.map((m) => m.id).join(',') === ids, 'the test models');
  }

  it('a redirect to another origin is refused with both origins named; the other server never sees the x-api-key', async () => {
    const api = await baton();
    await configure([{ id: 'anthropic-model', provider: 'anthropic', model: 'claude-test', baseUrl: `${home.url}/v1` }]);
    await vscode.commands.executeCommand('baton.setApiKey', { model: 'anthropic-model', key: KEY });
    home.on('/v1', (req: Received, res: ServerResponse) => { res.writeHead(307, { location: `${elsewhere.url}${req.path}` }).end(); });
    elsewhere.on('/', stream(answer('anthropic', ['stolen'])));
    const [result] = await vscode.commands.executeCommand<Check[]>('baton.checkModels');
    assert.strictEqual(result.ok, false);
    assert.match(result.error ?? '', new RegExp(`redirected the request from ${home.url} to ${elsewhere.url} \\(HTTP 307\\)`));
    assert.strictEqual(home.received[0].headers['x-api-key'], KEY);
    assert.strictEqual(elsewhere.received.length, 0, 'nothing reached the other origin');
    await eventually(() => /check: anthropic-model: FAILED.*redirected the request/.test(readLog(api)), 'the refusal in the log');
  });

  it('two ids that share BATON_API_KEY_MY_MODEL get no key from it', async () => {
    setEnv('BATON_API_KEY_MY_MODEL', 'env-shared-key-0123456789abcdef');
    await configure([
      { id: 'my-model', provider: 'openai', model: 'm', baseUrl: `${home.url}/v1` },
      { id: 'my.model', provider: 'openai', model: 'm', baseUrl: `${elsewhere.url}/v1` },
    ]);
    home.on('/v1', stream(answer('openai', ['ok'])));
    elsewhere.on('/v1', stream(answer('openai', ['ok'])));
    const results = await vscode.commands.executeCommand<Check[]>('baton.checkModels');
    assert.deepStrictEqual(results.map((r) => r.hasKey), [false, false]);
    assert.strictEqual(home.received[0].headers.authorization, undefined);
    assert.strictEqual(elsewhere.received[0].headers.authorization, undefined);
  });

  it('OPENAI_API_KEY goes to https://api.openai.com only, never in clear text to http://api.openai.com', async () => {
    const api = await baton() as unknown as { session: { keys: { resolve(model: object): Promise<string | undefined> } } };
    setEnv('OPENAI_API_KEY', 'sk-env-openai-0123456789abcdef');
    const model = (baseUrl: string) => ({ id: 'official', provider: 'openai', model: 'gpt-test', baseUrl });
    assert.strictEqual(await api.session.keys.resolve(model('https://api.openai.com/v1')), process.env.OPENAI_API_KEY);
    assert.strictEqual(await api.session.keys.resolve(model('http://api.openai.com/v1')), undefined);
    assert.strictEqual(await api.session.keys.resolve(model('https://api.openai.com:8443/v1')), undefined);
  });
});
