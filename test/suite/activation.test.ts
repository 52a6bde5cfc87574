import * as assert from 'assert';
import * as vscode from 'vscode';

const EXTENSION_ID = 'baton-dev.baton';

interface CommandContribution {
  command: string;
}

describe('activation', () => {
  it('activates the extension', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed in the editor under test`);
    await extension.activate();
    assert.strictEqual(extension.isActive, true);
  });

  it('exports nothing another extension could use: no keys, no router, no session', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    assert.strictEqual(await extension.activate(), undefined);
    assert.strictEqual(extension.exports, undefined);
  });

  it('registers every command it contributes', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await extension.activate();
    const contributed: CommandContribution[] = extension.packageJSON.contributes?.commands ?? [];
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.map((c) => c.command).filter((id) => !registered.has(id));
    assert.deepStrictEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });
});
