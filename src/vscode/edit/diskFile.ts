import * as vscode from 'vscode';

/**
 * The file's text on disk with `mixed` (a pending edit's region, old and new lines together)
 * replaced by `original`, everything else exactly as saved; undefined when the file does not hold
 * `mixed`. Decoded and encoded with the file's own encoding.
 */
export async function fileWithout(uri: vscode.Uri, mixed: string, original: string): Promise<string | undefined> {
  const disk = await vscode.workspace.decode(await vscode.workspace.fs.readFile(uri), { uri });
  const at = disk.indexOf(mixed);
  return at < 0 ? undefined : disk.slice(0, at) + original + disk.slice(at + mixed.length);
}

export async function writeFile(uri: vscode.Uri, text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(uri, await vscode.workspace.encode(text, { uri }));
}
