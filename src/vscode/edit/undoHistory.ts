import * as vscode from 'vscode';

/** More undo steps than a streamed edit ever takes; past this, something else is going on. */
const MAX_STEPS = 200;

/**
 * Takes a finished edit's own steps out of the undo history. A streamed edit writes many times;
 * VS Code groups those writes, but a save (auto save included) closes the group, so the edit can
 * leave several steps, each a half-drawn diff. Once the document is back to `original`, undoing
 * those steps changes nothing on screen, and leaves the history as it was before the edit.
 *
 * Call only when nobody else changed the document since the edit's first write (that write
 * opened a fresh undo step, so nothing older can be reached before `original` comes back). Undoes
 * until the text is `original` again; if that never happens, redoes everything it undid.
 */
export async function dropOwnUndoSteps(document: vscode.TextDocument, original: string): Promise<boolean> {
  // Undo acts on the focused editor: only when that is this document's (focusing it now would
  // steal the focus, and the focus moves too late for the undo that follows).
  if (vscode.window.activeTextEditor?.document !== document || document.getText() !== original) return false;
  let steps = 0;
  while (steps < MAX_STEPS) {
    const version = document.version;
    await vscode.commands.executeCommand('undo');
    if (document.version === version) break;
    steps++;
    if (document.getText() === original) return true;
  }
  for (let i = 0; i < steps; i++) await vscode.commands.executeCommand('redo');
  return false;
}
