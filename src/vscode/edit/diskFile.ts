import * as vscode from 'vscode';

/**
 * The file's text on disk with whatever stands between `before` and `after` (the document's text
 * around a pending edit's region) replaced by `original`; undefined when the file already holds
 * `original` there, or does not hold `before` and `after` (then it is not Baton's to fix).
 * Decoded and encoded with the file's own encoding.
 */
export async function fileWithRegion(uri: vscode.Uri, before: string, after: string, original: string): Promise<string | undefined> {
  const disk = await vscode.workspace.decode(await vscode.workspace.fs.readFile(uri), { uri });
  if (disk.length < before.length + after.length || !disk.startsWith(before) || !disk.endsWith(after)) return undefined;
  const region = disk.slice(before.length, disk.length - after.length);
  return region === original ? undefined : before + original + after;
}

export async function writeFile(uri: vscode.Uri, text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(uri, await vscode.workspace.encode(text, { uri }));
}
