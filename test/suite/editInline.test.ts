import * as assert from 'assert';
import * as vscode from 'vscode';
import { EXPECTED, NEW_TOTAL, OLD_TOTAL, ORIGINAL, REPLY } from '../support/cartEdit';
import { continuer, failingAt } from '../support/continuer';
import { FaultServer } from '../support/faultServer';
import { httpError } from '../support/scripts';
import { accept, closeEdits, edit, openFile as openFileIn, reject, reply } from './editHelpers';
import { baton, eventually, readLog, resetSettings, setSettings } from './helpers';

// Inline edits inside the real extension host: the document's bytes, the undo history, and the
// requests the scripted models received. The person-facing flow (palette, keys, CodeLens,
// screenshots) is driven through the UI in test/e2e/ui/editInline.test.mjs.

let server: FaultServer;
const openFile = (content: string, language = 'javascript') => openFileIn(content, 'edit', language === 'python' ? 'py' : 'js');

/** Selects whole lines `first`..`last` (0-based, inclusive), the way a person drags over them. */
function selectLines(editor: vscode.TextEditor, first: number, last: number): void {
  editor.selection = new vscode.Selection(first, 0, last + 1, 0);
}

/**
 * Types `text` at a position while Baton writes to the same document. The extension API refuses
 * an edit made against a version that just changed (a person's keystrokes have no such race), so
 * each try is made right after a change, and repeated until it lands.
 */
async function typeAt(editor: vscode.TextEditor, where: () => vscode.Position, text: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, 200);
      const listener = vscode.workspace.onDidChangeTextDocument((e) => { if (e.document === editor.document) done(); });
      function done() { clearTimeout(timer); listener.dispose(); resolve(); }
    });
    if (await editor.edit((b) => b.insert(where(), text))) return;
  }
  throw new Error(`could not type ${JSON.stringify(text)}`);
}

const undo = () => vscode.commands.executeCommand('undo');
const redo = () => vscode.commands.executeCommand('redo');

describe('inline edit in the editor', function () {
  this.timeout(30_000);

  before(async () => {
    const api = await baton();
    // code-server saves after a delay by default (the web default); saves split undo groups
    // wherever they land. The save tests are in editSafety.test.ts; here nothing saves.
    await vscode.workspace.getConfiguration('files').update('autoSave', 'off', vscode.ConfigurationTarget.Global);
    server = await FaultServer.start();
    await setSettings({
      models: [
        { id: 'primary', provider: 'openai', model: 'm', baseUrl: `${server.url}/primary/v1` },
        { id: 'backup', provider: 'anthropic', model: 'm', baseUrl: `${server.url}/backup/v1` },
      ],
      fallbacks: { primary: ['backup'] },
      defaultModel: 'primary',
      timeouts: { firstTokenMs: 5000, idleMs: 2000, totalMs: 60000 },
      retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 },
      cooldown: { failureThreshold: 100, cooldownMs: 0 },
    });
    await eventually(() => api.session.config.settings.models.some((m) => m.baseUrl.startsWith(server.url)), 'the test models');
  });

  after(async () => {
    await vscode.workspace.getConfiguration('files').update('autoSave', undefined, vscode.ConfigurationTarget.Global);
    await resetSettings();
    await server?.close();
  });

  afterEach(closeEdits);

  it('streams the replacement, and Accept leaves exactly the new code; one Undo gives back the original', async () => {
    server.on('/primary', reply(REPLY));
    const editor = await openFile(ORIGINAL);
    await editor.edit((b) => b.insert(new vscode.Position(12, 0), '// mine\n'));
    const mine = editor.document.getText();
    selectLines(editor, 1, 7);
    assert.strictEqual(await edit(), 'ready');
    const pending = editor.document.getText();
    assert.ok(pending.includes('  let sum = 0;') && pending.includes(NEW_TOTAL.split('\n')[1]), 'the pending edit shows removed and added lines');
    assert.strictEqual(await accept(), true);
    assert.strictEqual(editor.document.getText(), `${EXPECTED}// mine\n`);
    await undo();
    assert.strictEqual(editor.document.getText(), mine, 'one Undo restores the original');
    await redo();
    assert.strictEqual(editor.document.getText(), `${EXPECTED}// mine\n`, 'Redo brings the edit back in one step');
    await undo();
    // Baton never runs Undo itself (it acts wherever the focus is), so the stream's own undo step
    // stays; it adds up to nothing, and stepping over it shows none of the edit.
    await undo();
    assert.strictEqual(editor.document.getText(), mine, 'the stream leaves no half-written state in the history');
    await undo();
    assert.strictEqual(editor.document.getText(), ORIGINAL, 'then Undo undoes what I typed before');
  });

  it('sends the instruction, the selection, the language and the code around it, and asks for code only', async () => {
    server.on('/primary', reply(REPLY));
    const editor = await openFile(ORIGINAL);
    selectLines(editor, 1, 7);
    const before = server.requests('/primary').length;
    assert.strictEqual(await edit('Use reduce instead of the loop'), 'ready');
    const body = server.requests('/primary')[before].body;
    const system = body.messages.find((m: { role: string }) => m.role === 'system')?.content ?? '';
    const user = body.messages.find((m: { role: string }) => m.role === 'user').content;
    assert.match(system, /replacement/);
    assert.match(system, /no Markdown code fences/);
    assert.match(user, /\(javascript\)/);
    assert.match(user, /Instruction: Use reduce instead of the loop/);
    assert.ok(user.includes(`<region>\n${OLD_TOTAL}\n</region>`), user);
    assert.ok(user.includes('<above>\n// Cart helpers\n</above>'), 'the code above');
    assert.ok(user.includes('export function count(items)'), 'the code below');
  });

  it('Reject restores the original byte for byte (CRLF, no final line break); Undo never brings back any of the edit', async () => {
    server.on('/primary', reply(REPLY));
    const crlf = ORIGINAL.trimEnd().replace(/\n/g, '\r\n');
    const editor = await openFile(crlf);
    assert.strictEqual(editor.document.eol, vscode.EndOfLine.CRLF);
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), '/* mine */ '));
    const mine = editor.document.getText();
    editor.selection = new vscode.Selection(9, 0, 11, 1);
    assert.strictEqual(await edit(), 'ready');
    assert.notStrictEqual(editor.document.getText(), mine);
    assert.strictEqual(await reject(), true);
    assert.strictEqual(editor.document.getText(), mine);
    // Baton never runs Undo itself (it acts wherever the focus is), so the edit's own undo step
    // stays: it adds up to nothing, and stepping over it shows none of the edit.
    await undo();
    assert.strictEqual(editor.document.getText(), mine, 'Undo brings back none of the rejected edit');
    await undo();
    assert.strictEqual(editor.document.getText(), crlf, 'then Undo undoes what I typed before the edit');
  });

  it('Accept in a CRLF file writes CRLF line breaks', async () => {
    server.on('/primary', reply(REPLY));
    const editor = await openFile(ORIGINAL.replace(/\n/g, '\r\n'));
    selectLines(editor, 1, 7);
    assert.strictEqual(await edit(), 'ready');
    await accept();
    assert.strictEqual(editor.document.getText(), EXPECTED.replace(/\n/g, '\r\n'));
    await undo();
    assert.strictEqual(editor.document.getText(), ORIGINAL.replace(/\n/g, '\r\n'));
  });

  it('cancel mid-stream restores the original byte for byte and closes the connection', async () => {
    server.on('/primary', reply(REPLY, 40));
    const editor = await openFile(ORIGINAL);
    await editor.edit((b) => b.insert(new vscode.Position(12, 0), '// mine\n'));
    const mine = editor.document.getText();
    selectLines(editor, 1, 7);
    const disconnected = server.waitForDisconnect();
    const running = edit();
    await eventually(() => editor.document.getText() !== mine, 'the stream to reach the document', 10_000);
    assert.strictEqual(await reject(), true);
    assert.strictEqual(await running, 'cancelled');
    assert.strictEqual(editor.document.getText(), mine);
    await disconnected;
    await undo();
    assert.strictEqual(editor.document.getText(), mine, 'Undo brings back none of the cancelled edit');
    await undo();
    assert.strictEqual(editor.document.getText(), ORIGINAL, 'then Undo undoes what I typed before');
  });

  for (const [name, backup] of [
    ['a backup that continues exactly', {}],
    // A prefilled model continues exactly; repeating is what a model asked by instruction does.
    ['a backup that refuses prefill, then repeats the end of the partial before continuing', {
      repeatTail: 24, rejectPrefill: { type: 'error', error: { type: 'invalid_request_error', message: 'This model does not support assistant message prefill.' } },
    }],
    ['a backup that rejects prefill', { rejectPrefill: { type: 'error', error: { type: 'invalid_request_error', message: 'This model does not support assistant message prefill.' } } }],
  ] as const) {
    it(`when the primary resets halfway, ${name} finishes the same edit`, async () => {
      const api = await baton();
      const at = REPLY.indexOf('item.price, 0)');
      server.on('/primary', failingAt('openai', REPLY, at, 'reset'));
      server.on('/backup', continuer('anthropic', REPLY, backup));
      const editor = await openFile(ORIGINAL);
      selectLines(editor, 1, 7);
      assert.strictEqual(await edit(), 'ready');
      await accept();
      assert.strictEqual(editor.document.getText(), EXPECTED, 'the seam lands on the right character');
      await undo();
      assert.strictEqual(editor.document.getText(), ORIGINAL);
      await eventually(() => /edit: primary dropped at [\d,]+ chars: .*→ continued by backup/.test(readLog(api)), 'the handover in the log');
    });
  }

  it('when the whole chain fails, rolls back to the original and keeps the partial out of the file', async () => {
    const at = REPLY.indexOf('item.price, 0)');
    server.on('/primary', failingAt('openai', REPLY, at, 'reset'));
    server.on('/backup', httpError(500, { type: 'error', error: { type: 'api_error', message: 'Internal server error' } }));
    const editor = await openFile(ORIGINAL);
    selectLines(editor, 1, 7);
    assert.strictEqual(await edit(), 'failed');
    assert.strictEqual(editor.document.getText(), ORIGINAL);
  });

  it('keeps the pending edit intact when someone types above and below it while it streams', async () => {
    server.on('/primary', reply(REPLY, 60));
    const editor = await openFile(ORIGINAL);
    selectLines(editor, 1, 7);
    const running = edit();
    await eventually(() => editor.document.getText() !== ORIGINAL, 'the stream to start', 10_000);
    await typeAt(editor, () => new vscode.Position(0, 0), '// above\n');
    await typeAt(editor, () => new vscode.Position(editor.document.lineCount - 1, 0), '// below\n');
    assert.strictEqual(await running, 'ready');
    await accept();
    assert.strictEqual(editor.document.getText(), `// above\n${EXPECTED}// below\n`);
    await undo();
    assert.strictEqual(editor.document.getText(), `// above\n${ORIGINAL}// below\n`, 'one Undo restores the original and keeps what was typed');
  });

  it('stops the stream when someone edits inside the pending lines, says the edit is incomplete, and keeps their typing', async () => {
    server.on('/primary', reply(REPLY, 60));
    const editor = await openFile(ORIGINAL);
    selectLines(editor, 1, 7);
    const running = edit();
    await eventually(() => editor.document.getText() !== ORIGINAL, 'the stream to start', 10_000);
    const disconnected = server.waitForDisconnect();
    await typeAt(editor, () => editor.document.positionAt(editor.document.getText().indexOf('function total')), '/* sum */ ');
    assert.strictEqual(await running, 'incomplete');
    // Accept asks first, in a modal (which the editor refuses to show under test): never one key.
    assert.strictEqual(await accept().then((accepted) => accepted, () => false), false, 'no Accept of an incomplete edit without asking');
    await disconnected;
    await reject();
    assert.strictEqual(editor.document.getText(), ORIGINAL.replace('export function total', 'export /* sum */ function total'));
  });

  it('without a selection, edits the whole file when it is small', async () => {
    server.on('/primary', reply('```js\nconst a = 2;\n```'));
    const editor = await openFile('const a = 1;\n');
    const before = server.requests('/primary').length;
    assert.strictEqual(await edit('Make it 2'), 'ready');
    assert.match(server.requests('/primary')[before].body.messages.at(-1).content, /the whole file, lines 1-1:\n<region>\nconst a = 1;\n<\/region>/);
    await accept();
    assert.strictEqual(editor.document.getText(), 'const a = 2;\n');
  });

  it('without a selection in a larger file, edits the function around the cursor', async () => {
    const filler = Array.from({ length: 40 }, (_, i) => `const v${i} = ${i};`).join('\n');
    const content = `${filler}\n\n${ORIGINAL}`;
    server.on('/primary', reply(NEW_TOTAL));
    const editor = await openFile(content);
    const line = content.split('\n').indexOf('    sum += item.price;');
    editor.selection = new vscode.Selection(line, 4, line, 4);
    const before = server.requests('/primary').length;
    assert.strictEqual(await edit(), 'ready');
    assert.match(server.requests('/primary')[before].body.messages.at(-1).content, /the block that starts with `export function total\(items\) \{`/);
    await accept();
    assert.strictEqual(editor.document.getText(), `${filler}\n\n${EXPECTED}`);
  });

  it('allows one pending edit per document', async () => {
    server.on('/primary', reply(REPLY));
    const editor = await openFile(ORIGINAL);
    selectLines(editor, 1, 7);
    assert.strictEqual(await edit(), 'ready');
    selectLines(editor, 9, 11);
    assert.strictEqual(await edit('Another'), 'busy');
    await reject();
    assert.strictEqual(editor.document.getText(), ORIGINAL);
  });
});
