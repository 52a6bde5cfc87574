import * as vscode from 'vscode';
import type { BatonSession } from '../session';

/** Inline edits: select code, describe the change, watch it stream in, accept or reject. */
export function registerInlineEdit(_context: vscode.ExtensionContext, _session: BatonSession): vscode.Disposable[] {
  const notYet = () => vscode.window.showInformationMessage('Baton: inline edits are not available in this build yet.');
  return [
    vscode.commands.registerCommand('baton.editSelection', notYet),
    vscode.commands.registerCommand('baton.acceptEdit', notYet),
    vscode.commands.registerCommand('baton.rejectEdit', notYet),
  ];
}
