import * as vscode from 'vscode';
import { chooseScope, EditScope } from '../../core/edit/scope';

/** The whole lines an edit rewrites, and how to name them. */
export interface EditTarget {
  /** 0-based first and last line, inclusive. */
  firstLine: number;
  lastLine: number;
  scope: 'selection' | EditScope['kind'];
  /** For the person: "lines 12–30", "the whole file (it is small)", "`function parse(…` (lines 10–42)". */
  label: string;
  /** For the model: what the region is. */
  what: string;
}

/**
 * The selection widened to whole lines (a selection ending at the start of a line leaves that line
 * out). Without a selection: the whole file when it is small, else the block around the cursor.
 */
export function targetFor(editor: vscode.TextEditor): EditTarget {
  const { document, selection } = editor;
  if (!selection.isEmpty) {
    const firstLine = selection.start.line;
    const lastLine = selection.end.character === 0 && selection.end.line > firstLine ? selection.end.line - 1 : selection.end.line;
    return { firstLine, lastLine, scope: 'selection', label: linesLabel(firstLine, lastLine), what: 'the selected lines' };
  }
  const lines = Array.from({ length: document.lineCount }, (_, i) => document.lineAt(i).text);
  const scope = chooseScope(lines, selection.active.line);
  const { start, end } = scope.span;
  switch (scope.kind) {
    case 'file':
      return { firstLine: start, lastLine: end, scope: 'file', label: 'the whole file (it is small)', what: 'the whole file' };
    case 'block':
      return {
        firstLine: start, lastLine: end, scope: 'block',
        label: `the block around the cursor: \`${shorten(scope.header)}\` (${linesLabel(start, end)})`,
        what: `the block that starts with \`${shorten(scope.header, 80)}\``,
      };
    case 'lines':
      return { firstLine: start, lastLine: end, scope: 'lines', label: `the lines around the cursor (${linesLabel(start, end)})`, what: 'the lines around the cursor' };
  }
}

function linesLabel(first: number, last: number): string {
  return first === last ? `line ${first + 1}` : `lines ${first + 1}–${last + 1}`;
}

function shorten(text: string, max = 40): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Document offsets of the target: from its first line's start to the next line's start (or the end). */
export function targetOffsets(document: vscode.TextDocument, target: EditTarget): { start: number; end: number } {
  const start = document.offsetAt(new vscode.Position(target.firstLine, 0));
  const end = target.lastLine + 1 < document.lineCount
    ? document.offsetAt(new vscode.Position(target.lastLine + 1, 0))
    : document.getText().length;
  return { start, end };
}
