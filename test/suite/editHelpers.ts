import * as assert from 'assert';
import * as vscode from 'vscode';
import { stream } from '../support/scripts';
import { answer, deltas, WIRES } from '../support/wire';

// What the inline-edit suites share: the model's reply on the wire, a file of their own in the
// workspace, Baton's edit commands, and the clean-up after each test.

const SSE = { 'content-type': WIRES.openai.contentType };

/** The reply in the OpenAI wire format, five characters a frame; with `delayMs`, one frame per read. */
export function reply(text: string, delayMs?: number) {
  const frames = answer('openai', deltas(text, 5));
  const cuts: number[] = [];
  let at = 0;
  for (const frame of frames) cuts.push((at += Buffer.byteLength(frame)));
  return stream(frames, { headers: SSE, delayMs, cuts: delayMs ? cuts : undefined });
}

let fileCount = 0;

/** Writes `content` to a new file of the workspace (`<prefix>-<pid>-<n>.<extension>`) and shows it. */
export async function openFile(content: string, prefix: string, extension = 'js'): Promise<vscode.TextEditor> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  assert.ok(folder, 'the suite runs with a workspace folder');
  const uri = vscode.Uri.joinPath(folder, `${prefix}-${process.pid}-${++fileCount}.${extension}`);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(content, 'utf8'));
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
}

export const edit = (instruction = 'Use reduce') => vscode.commands.executeCommand<string>('baton.editSelection', { instruction });
export const accept = () => vscode.commands.executeCommand<boolean>('baton.acceptEdit');
export const reject = () => vscode.commands.executeCommand<boolean>('baton.rejectEdit');

/** After each test: no pending edit, no unsaved change, no editor left open. */
export async function closeEdits(): Promise<void> {
  await reject();
  await vscode.commands.executeCommand('workbench.action.files.revert');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
