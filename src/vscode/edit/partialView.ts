import * as vscode from 'vscode';

const SCHEME = 'baton-edit';

/**
 * Read-only in-memory documents for showing what a failed edit had produced, next to the code it
 * would have replaced. Nothing here is ever written into the person's file.
 */
export class PartialView implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(SCHEME, this);
  private next = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.path) ?? '';
  }

  /**
   * Opens a diff: the original lines on the left, the edit that was not applied on the right
   * (`what` names it in the title: "incomplete edit", "rejected edit").
   */
  async show(fileName: string, original: string, partial: string, what = 'incomplete edit', options: { beside?: boolean } = {}): Promise<void> {
    const id = ++this.next;
    const base = fileName.split(/[\\/]/).pop() || 'edit';
    const left = vscode.Uri.from({ scheme: SCHEME, path: `/${id}/original/${base}` });
    const right = vscode.Uri.from({ scheme: SCHEME, path: `/${id}/partial/${base}` });
    this.contents.set(left.path, original);
    this.contents.set(right.path, partial);
    const where = options.beside ? { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true } : {};
    await vscode.commands.executeCommand('vscode.diff', left, right, `${base}: original ↔ ${what} (not applied)`, { preview: true, ...where });
  }

  dispose(): void {
    this.registration.dispose();
    this.contents.clear();
  }
}
