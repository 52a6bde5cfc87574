import * as assert from 'assert';
import * as vscode from 'vscode';
import { EXPECTED, ORIGINAL, REPLY } from '../support/cartEdit';
import { FaultServer } from '../support/faultServer';
import { accept, closeEdits, edit, openFile as openFileIn, reject, reply } from './editHelpers';
import { baton, eventually, resetSettings, setSettings } from './helpers';

// A pending edit never leaves a half-written file (issue 13, item 7), and Baton never runs Undo,
// which acts wherever the focus is (item 11). Real documents, real saves, the file read back from
// disk byte for byte.

let server: FaultServer;
const openFile = (content: string) => openFileIn(content, 'safety');
const onDisk = async (document: vscode.TextDocument) => Buffer.from(await vscode.workspace.fs.readFile(document.uri)).toString('utf8');
const selectTotal = (editor: vscode.TextEditor) => { editor.selection = new vscode.Selection(1, 0, 8, 0); };
const files = vscode.workspace.getConfiguration('files');
/** Both versions of total() are on screen: the pending diff. */
const showsPending = (text: string) => text.includes('  let sum = 0;') && text.includes('items.reduce((sum, item) => sum + item.price, 0)');

describe('a pending edit never leaves a half-written file', function () {
  this.timeout(40_000);

  before(async () => {
    const api = await baton();
    await files.update('autoSave', 'off', vscode.ConfigurationTarget.Global);
    server = await FaultServer.start();
    await setSettings({
      models: [{ id: 'primary', provider: 'openai', model: 'm', baseUrl: `${server.url}/primary/v1` }],
      defaultModel: 'primary',
      timeouts: { firstTokenMs: 5000, idleMs: 3000, totalMs: 60000 },
      retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 },
    });
    await eventually(() => api.session.config.settings.models.some((m) => m.baseUrl.startsWith(server.url)), 'the test model');
  });
  after(async () => {
    await files.update('autoSave', undefined, vscode.ConfigurationTarget.Global);
    await files.update('autoSaveDelay', undefined, vscode.ConfigurationTarget.Global);
    await resetSettings();
    await server?.close();
  });
  afterEach(closeEdits);

  it('Save while the edit waits for Accept writes the original; the pending diff stays on screen; after Accept, Save writes the new code', async () => {
    server.on('/primary', reply(REPLY));
    const editor = await openFile(ORIGINAL);
    selectTotal(editor);
    assert.strictEqual(await edit(), 'ready');
    assert.ok(showsPending(editor.document.getText()));
    assert.strictEqual(await editor.document.save(), true);
    assert.strictEqual(await onDisk(editor.document), ORIGINAL, 'the file on disk is the original, not old and new lines mixed');
    await eventually(() => showsPending(editor.document.getText()), 'the pending diff back on screen');
    assert.strictEqual(await accept(), true);
    assert.strictEqual(editor.document.getText(), EXPECTED);
    await vscode.commands.executeCommand('undo');
    assert.strictEqual(editor.document.getText(), ORIGINAL, 'one Undo after Accept gives back the original, save or not');
    await vscode.commands.executeCommand('redo');
    await editor.document.save();
    assert.strictEqual(await onDisk(editor.document), EXPECTED);
  });

  it('Save while the edit streams writes the original, and the edit streams on to the same result', async () => {
    server.on('/primary', reply(REPLY, 40));
    const editor = await openFile(ORIGINAL.replace(/\n/g, '\r\n'));
    selectTotal(editor);
    const running = edit();
    await eventually(() => editor.document.getText().includes('items.reduce'), 'the stream to reach the new line', 15_000);
    await editor.document.save();
    assert.strictEqual(await onDisk(editor.document), ORIGINAL.replace(/\n/g, '\r\n'), 'the original, CRLF and all');
    assert.strictEqual(await running, 'ready');
    assert.strictEqual(await accept(), true);
    assert.strictEqual(editor.document.getText(), EXPECTED.replace(/\n/g, '\r\n'));
  });

  it('Save All writes the original of a pending edit and saves the other files as they are', async () => {
    server.on('/primary', reply(REPLY));
    const other = await openFile('// notes\n');
    await other.edit((b) => b.insert(new vscode.Position(1, 0), '\tmore notes ✓\n'));
    const editor = await openFile(ORIGINAL);
    selectTotal(editor);
    assert.strictEqual(await edit(), 'ready');
    await vscode.commands.executeCommand('workbench.action.files.saveAll');
    await eventually(async () => (await onDisk(other.document)) === '// notes\n\tmore notes ✓\n', 'the other file saved');
    assert.strictEqual(await onDisk(editor.document), ORIGINAL);
    await eventually(() => showsPending(editor.document.getText()), 'the pending diff back on screen');
  });

  it('auto save writes the original once; the finished edit then waits, parked, without a save every second; Accept saves the new code', async () => {
    await files.update('autoSaveDelay', 400, vscode.ConfigurationTarget.Global);
    await files.update('autoSave', 'afterDelay', vscode.ConfigurationTarget.Global);
    try {
      server.on('/primary', reply(REPLY, 20));
      const editor = await openFile(ORIGINAL);
      selectTotal(editor);
      const saves: string[] = [];
      const listener = vscode.workspace.onDidSaveTextDocument(async (document) => {
        if (document === editor.document) saves.push(await onDisk(document));
      });
      try {
        assert.strictEqual(await edit(), 'ready');
        await eventually(() => saves.length >= 1 && editor.document.getText() === ORIGINAL && !editor.document.isDirty, 'an auto save, and the edit parked', 10_000);
        await new Promise((resolve) => setTimeout(resolve, 500));
        const count = saves.length;
        await new Promise((resolve) => setTimeout(resolve, 1000));
        assert.strictEqual(saves.length, count, 'no save loop while the edit waits');
        assert.strictEqual(editor.document.isDirty, false);
        assert.strictEqual(await accept(), true);
        assert.strictEqual(editor.document.getText(), EXPECTED);
        await eventually(async () => (await onDisk(editor.document)) === EXPECTED, 'the accepted code auto-saved', 10_000);
      } finally {
        listener.dispose();
      }
      assert.deepStrictEqual([...new Set(saves)].filter((text) => text !== ORIGINAL && text !== EXPECTED), [], 'every save wrote the original or the accepted code, never a mix');
    } finally {
      await files.update('autoSave', 'off', vscode.ConfigurationTarget.Global);
    }
  });

  it('Baton never runs Undo (it acts wherever the focus is): moving the focus to another document during Accept leaves that document alone', async () => {
    server.on('/primary', reply(REPLY, 30));
    const other = await openFile('let untouched = 1;\n');
    await other.edit((b) => b.replace(new vscode.Range(0, 4, 0, 13), 'mine'));
    const otherText = other.document.getText();
    const editor = await openFile(ORIGINAL);
    selectTotal(editor);
    const running = edit();
    await eventually(() => editor.document.getText().includes('items.reduce'), 'the stream to reach the new line', 15_000);
    await editor.document.save(); // closes an undo group: an Undo loop would need several steps
    assert.strictEqual(await running, 'ready');
    const undos: string[] = [];
    const listener = vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.reason !== vscode.TextDocumentChangeReason.Undo && event.reason !== vscode.TextDocumentChangeReason.Redo) return;
      undos.push(vscode.workspace.asRelativePath(event.document.uri));
      // The person clicks into the other document just as the edit's first undo lands.
      if (event.document === editor.document) void vscode.window.showTextDocument(other.document, { preserveFocus: false, viewColumn: editor.viewColumn });
    });
    try {
      assert.strictEqual(await accept(), true);
    } finally {
      listener.dispose();
    }
    assert.deepStrictEqual(undos, [], 'Baton ran Undo or Redo');
    assert.strictEqual(other.document.getText(), otherText, 'the other document kept its text');
    assert.strictEqual(editor.document.getText(), EXPECTED);
  });

  it('Baton never runs Undo on Reject or cancel either', async () => {
    server.on('/primary', reply(REPLY, 30));
    const editor = await openFile(ORIGINAL);
    const undos: vscode.TextDocumentChangeEvent[] = [];
    const listener = vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.reason === vscode.TextDocumentChangeReason.Undo || event.reason === vscode.TextDocumentChangeReason.Redo) undos.push(event);
    });
    try {
      selectTotal(editor);
      const running = edit();
      await eventually(() => editor.document.getText() !== ORIGINAL, 'the stream to start', 15_000);
      assert.strictEqual(await reject(), true);
      assert.strictEqual(await running, 'cancelled');
      server.on('/primary', reply(REPLY));
      selectTotal(editor);
      assert.strictEqual(await edit(), 'ready');
      assert.strictEqual(await reject(), true);
    } finally {
      listener.dispose();
    }
    assert.strictEqual(undos.length, 0, 'Baton ran Undo or Redo');
    assert.strictEqual(editor.document.getText(), ORIGINAL);
  });
});
