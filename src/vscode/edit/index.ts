import * as vscode from 'vscode';
import type { BatonSession } from '../session';
import { PendingEditLenses } from './codeLens';
import { InlineEditController } from './controller';

/** Arguments `baton.editSelection` accepts, e.g. from a keybinding: `{ "instruction": "Add JSDoc" }`. */
interface EditSelectionArgs {
  instruction?: string;
}

/**
 * Inline edits: select code (or not), describe the change, watch it stream into the editor as a
 * diff, then Accept or Reject. A provider failing mid-edit is handled by the router: the backup
 * continues the same edit.
 */
export function registerInlineEdit(context: vscode.ExtensionContext, session: BatonSession): vscode.Disposable[] {
  const controller = new InlineEditController(context.globalState, context.workspaceState, session);
  void controller.recoverInterrupted();
  const lenses = new PendingEditLenses((document) => controller.editFor(document));
  return [
    controller,
    lenses,
    controller.onDidChange(() => lenses.refresh()),
    vscode.languages.registerCodeLensProvider({ scheme: '*' }, lenses),
    vscode.commands.registerCommand('baton.editSelection', (args?: EditSelectionArgs) =>
      controller.start(typeof args?.instruction === 'string' ? args.instruction : undefined)),
    vscode.commands.registerCommand('baton.acceptEdit', (uri?: vscode.Uri) => controller.accept(uri instanceof vscode.Uri ? uri : undefined)),
    vscode.commands.registerCommand('baton.rejectEdit', (uri?: vscode.Uri) => controller.reject(uri instanceof vscode.Uri ? uri : undefined)),
    vscode.commands.registerCommand('baton.showRejectedEdit', () => controller.showRejected()),
    vscode.commands.registerCommand('baton.showPendingEdit', (uri?: vscode.Uri) => controller.showPending(uri instanceof vscode.Uri ? uri : undefined)),
  ];
}
