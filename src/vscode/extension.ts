import * as vscode from 'vscode';

/** Placeholder entry point; the real wiring lands with the editor issue. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Baton', { log: true });
  const status = vscode.window.createStatusBarItem('baton.status', vscode.StatusBarAlignment.Right, 100);
  status.name = 'Baton';
  status.text = '$(pulse) Baton';
  status.show();
  context.subscriptions.push(log, status, vscode.commands.registerCommand('baton.showLog', () => log.show()));
}

export function deactivate(): void {}
