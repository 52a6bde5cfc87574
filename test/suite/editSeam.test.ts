import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ProviderName } from '../../src/core/settings/types';
import { continuationOf, continuer, failingAt } from '../support/continuer';
import { FaultServer, Script } from '../support/faultServer';
import { stream } from '../support/scripts';
import { answer, deltas, WIRES } from '../support/wire';
import { closeEdits } from './editHelpers';
import { baton, eventually, readLog, resetSettings, setSettings } from './helpers';

// An inline edit whose stream breaks in the middle of an indented block, in a file indented with
// tabs: whatever the backup does at the seam, the accepted document is exact, byte for byte.

const ORIGINAL = [
  'package cart',
  '',
  '// Total sums the prices of the items.',
  'func Total(items []Item) int {',
  '\tsum := 0',
  '\tfor _, item := range items {',
  '\t\tsum += item.Price',
  '\t}',
  '\treturn sum',
  '}',
  '',
].join('\n');

/** Total() with free items skipped: a deeper block, tabs all the way down. */
const REPLACEMENT = [
  'func Total(items []Item) int {',
  '\tsum := 0',
  '\tfor _, item := range items {',
  '\t\tif item.Price == 0 {',
  '\t\t\tcontinue',
  '\t\t}',
  '\t\tsum += item.Price',
  '\t}',
  '\treturn sum',
  '}',
].join('\n');

const EXPECTED = ORIGINAL.replace(ORIGINAL.split('\n').slice(3, 10).join('\n'), REPLACEMENT);

/** Where the primary breaks: inside the deepest indented block, in three ways. */
const CUTS: [string, number][] = [
  ['after the line break, before "\\t\\t\\tcontinue"', REPLACEMENT.indexOf('\t\t\tcontinue')],
  ['inside its tabs', REPLACEMENT.indexOf('\t\t\tcontinue') + 2],
  ['mid-word in it', REPLACEMENT.indexOf('continue') + 4],
];

/** A backup by instruction that ignores the anchor and writes the last line it was shown again. */
function restartingBackup(protocol: ProviderName, full: string): Script {
  return (req, res) => {
    const { partial } = continuationOf(protocol, req.body);
    const line = partial.slice(partial.lastIndexOf('\n') + 1);
    const reply = line + full.slice(partial.length);
    return stream(answer(protocol, deltas(reply, 4)), { headers: { 'content-type': WIRES[protocol].contentType } })(req, res);
  };
}

const BACKUPS: { name: string; prefill: boolean; script: () => Script }[] = [
  { name: 'continues by prefill', prefill: true, script: () => continuer('anthropic', REPLACEMENT, { deltaSize: 3 }) },
  { name: 'repeats the anchor, by instruction', prefill: false, script: () => continuer('anthropic', REPLACEMENT, { deltaSize: 3 }) },
  { name: 'restarts the line, by instruction', prefill: false, script: () => restartingBackup('anthropic', REPLACEMENT) },
];

let server: FaultServer;
let fileCount = 0;

async function openGoFile(content: string): Promise<vscode.TextEditor> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  assert.ok(folder, 'the suite runs with a workspace folder');
  const uri = vscode.Uri.joinPath(folder, `seam-${process.pid}-${++fileCount}.go`);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(content, 'utf8'));
  const document = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(document);
}

async function useBackup(prefill: boolean): Promise<void> {
  const api = await baton();
  await setSettings({
    models: [
      { id: 'primary', provider: 'openai', model: 'm', baseUrl: `${server.url}/primary/v1` },
      { id: 'backup', provider: 'anthropic', model: 'm', baseUrl: `${server.url}/backup/v1`, prefill },
    ],
    fallbacks: { primary: ['backup'] },
    defaultModel: 'primary',
    timeouts: { firstTokenMs: 5000, idleMs: 2000, totalMs: 60000 },
    retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 },
    cooldown: { failureThreshold: 100, cooldownMs: 0 },
  });
  await eventually(() => api.session.config.settings.models.some((m) => m.baseUrl.startsWith(server.url) && (m as { prefill?: boolean }).prefill === prefill), 'the test models');
}

describe('inline edit: a seam inside an indented block', function () {
  this.timeout(30_000);

  before(async () => {
    server = await FaultServer.start();
  });

  after(async () => {
    await resetSettings();
    await server?.close();
  });

  afterEach(closeEdits);

  for (const backup of BACKUPS) {
    for (const [where, at] of CUTS) {
      it(`the primary breaks ${where}; a backup that ${backup.name}: the document is exact, tabs included`, async () => {
        await useBackup(backup.prefill);
        server.on('/primary', failingAt('openai', REPLACEMENT, at, 'reset'));
        server.on('/backup', backup.script());
        const editor = await openGoFile(ORIGINAL);
        editor.selection = new vscode.Selection(3, 0, 10, 0);
        assert.strictEqual(await vscode.commands.executeCommand<string>('baton.editSelection', { instruction: 'Skip free items' }), 'ready');
        assert.strictEqual(await vscode.commands.executeCommand<boolean>('baton.acceptEdit'), true);
        assert.strictEqual(JSON.stringify(editor.document.getText()), JSON.stringify(EXPECTED));
        const sent = continuationOf('anthropic', server.requests('/backup').at(-1)!.body);
        assert.strictEqual(sent.form, backup.prefill ? 'prefill' : 'instruction');
        const api = await baton();
        await eventually(() => /edit: primary dropped at [\d,]+ chars: .*→ continued by backup/.test(readLog(api)), 'the handover in the log');
      });
    }
  }
});
