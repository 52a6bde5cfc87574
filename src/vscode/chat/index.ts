import * as vscode from 'vscode';
import type { BatonSession } from '../session';

/** The chat panel in Baton's activity-bar container. */
export function registerChat(_context: vscode.ExtensionContext, _session: BatonSession): vscode.Disposable[] {
  const open = () => vscode.commands.executeCommand('workbench.view.extension.baton');
  return [
    vscode.commands.registerCommand('baton.openChat', open),
    vscode.commands.registerCommand('baton.newChat', open),
    vscode.commands.registerCommand('baton.showChatHistory', open),
    vscode.commands.registerCommand('baton.askAboutSelection', open),
  ];
}
