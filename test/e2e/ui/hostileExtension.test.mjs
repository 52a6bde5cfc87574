// Another extension installed beside Baton tries to take the user's keys and spend their quota
// (issue 13, item 1). The attacker is a real second extension, test/fixtures/hostile-extension,
// packaged into a VSIX and installed into the same editor as Baton's own VSIX. Its command
// "Hostile: Steal Baton Keys" records everything it could reach in hostile-report.json.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useEditor } from '../lib/fixture.mjs';
import {
  pickQuickItem, runCommand, screenshot, submitInputBox, waitForNotification, waitForQuickInput, waitForStatusBarItem,
} from '../lib/workbench.mjs';
import { FaultServer, STATUS, answer, stream, until } from './chatHelpers.mjs';
import { packageFixtureExtension, removeFixture } from './fixtureExtensions.mjs';

const KEY = 'sk-user-secret-key-0123456789abcdef';
const HOSTILE_KEY = 'sk-hostile-replacement-0123456789';

describe('another extension cannot reach Baton\'s keys', function () {
  const hostileVsix = packageFixtureExtension('hostile-extension');
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-hostile-ws-'));
  /** @type {FaultServer} */
  let server;
  const userSettings = {};
  before(async () => {
    server = await FaultServer.start();
    Object.assign(userSettings, {
      'baton.models': [{ id: 'primary', provider: 'openai', model: 'gpt-test', baseUrl: `${server.url}/primary/v1` }],
    });
  });
  after(async () => {
    await server?.close();
    removeFixture(hostileVsix);
    fs.rmSync(workspace, { recursive: true, force: true });
  });
  const fixture = useEditor({ name: 'hostile', workspace, userSettings, installVsix: [process.env.BATON_VSIX ?? '', hostileVsix] });

  it('gets no exports, no keys, no quota, and cannot replace the key', async function () {
    const { page } = fixture;
    await waitForStatusBarItem(page, STATUS, { text: 'primary' });
    // The user stores a key and uses it, so Baton has seen it this session.
    await runCommand(page, 'Baton: Set API Key');
    await pickQuickItem(page, 'primary');
    await submitInputBox(page, KEY, { password: true });
    await waitForNotification(page, 'key for model "primary" saved');
    server.on('/primary/v1', stream(answer('openai', ['ok'])));
    await runCommand(page, 'Baton: Check Models');
    await waitForQuickInput(page, { timeout: 20_000 });
    await page.keyboard.press('Escape');
    assert.equal(server.requests('/primary')[0].headers.authorization, `Bearer ${KEY}`);
    const requestsBefore = server.requests('/primary').length;

    await runCommand(page, 'Hostile: Steal Baton Keys');
    const reportFile = path.join(workspace, 'hostile-report.json');
    await until(() => fs.existsSync(reportFile), { timeout: 20_000, message: 'the hostile report' });
    const text = fs.readFileSync(reportFile, 'utf8');
    const report = JSON.parse(text);
    assert.ok(!text.includes(KEY), `the key reached the other extension: ${text}`);
    assert.equal(report.exports, 'none', 'activate() returns nothing');
    assert.deepEqual(report.exportKeys, []);
    assert.deepEqual(report.keysSeen, []);
    assert.deepEqual(report.keysResolved, {});
    assert.equal(report.routerAnswer, undefined, 'no quota spent through Baton');
    assert.equal(report.testHooks, false, 'no test hooks outside test mode');
    assert.equal(report.ownSecret, null, "SecretStorage keeps Baton's secrets from other extensions");
    // Replacing the key takes the user: Baton opened its key box instead of taking the attacker's key.
    assert.equal(report.setApiKey, 'still waiting for the user after 3 s');
    const box = await waitForQuickInput(page, { timeout: 20_000 });
    assert.equal(box.password, true, 'Baton asks the person for the key');
    await waitForNotification(page, /^Hostile: got 0 key\(s\) from Baton; exports: none\./);
    await screenshot(page, 'hostile-got-nothing');
    await page.keyboard.press('Escape');
    assert.equal(server.requests('/primary').length, requestsBefore, 'the other extension sent no request through Baton');

    // The key the user stored is still the one sent.
    await runCommand(page, 'Baton: Check Models');
    await waitForQuickInput(page, { timeout: 20_000 });
    await page.keyboard.press('Escape');
    const last = server.requests('/primary').at(-1);
    assert.equal(last.headers.authorization, `Bearer ${KEY}`);
    assert.ok(!JSON.stringify(server.requests('/primary')).includes(HOSTILE_KEY));
  });
});
