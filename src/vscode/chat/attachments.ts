import * as vscode from 'vscode';
import type { Attachment } from '../../core/protocol/chat';

/** Attachments larger than this are cut, and say so. */
const MAX_CHARS = 100_000;

function clip(text: string): { text: string; truncated?: boolean } {
  return text.length > MAX_CHARS ? { text: text.slice(0, MAX_CHARS), truncated: true } : { text };
}

/** "src/app.ts", relative to the workspace; untitled documents by their name. */
export function displayPath(document: vscode.TextDocument): string {
  return document.isUntitled ? document.fileName : vscode.workspace.asRelativePath(document.uri, false);
}

/** Whether a document is a file the user would attach (not an output channel or a log view). */
export function isAttachable(document: vscode.TextDocument): boolean {
  return document.uri.scheme === 'file' || document.uri.scheme === 'untitled' || document.uri.scheme === 'vscode-remote';
}

/** The editor's selection with its file name, lines and language; undefined when nothing is selected. */
export function selectionAttachment(editor: vscode.TextEditor): Attachment | undefined {
  const selection = editor.selection;
  if (selection.isEmpty) return undefined;
  const { document } = editor;
  // A selection that ends at column 0 of a line does not include that line.
  const endLine = selection.end.character === 0 && selection.end.line > selection.start.line ? selection.end.line : selection.end.line + 1;
  return {
    kind: 'selection', path: displayPath(document), language: document.languageId,
    lines: { start: selection.start.line + 1, end: endLine }, ...clip(document.getText(selection)),
  };
}

export function fileAttachment(document: vscode.TextDocument): Attachment {
  return { kind: 'file', path: displayPath(document), language: document.languageId, ...clip(document.getText()) };
}

export function sameAttachment(a: Attachment, b: Attachment): boolean {
  return a.kind === b.kind && a.path === b.path && a.lines?.start === b.lines?.start && a.lines?.end === b.lines?.end;
}
