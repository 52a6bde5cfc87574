import * as vscode from 'vscode';
import type { DiffLine, LineKind } from '../../core/edit/lineDiff';

const color = (id: string) => new vscode.ThemeColor(id);

/**
 * The pending edit drawn as a diff with the theme's diff colours: added lines on the inserted-line
 * background with a bar like the diff editor's gutter, removed lines on the removed-line
 * background, original lines the stream has not reached yet dimmed, and a caret where text is
 * arriving.
 */
export class EditDecorations implements vscode.Disposable {
  private readonly types: Record<Exclude<LineKind, 'same'>, vscode.TextEditorDecorationType> = {
    added: vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: color('diffEditor.insertedLineBackground'),
      borderStyle: 'solid',
      borderColor: color('editorGutter.addedBackground'),
      borderWidth: '0 0 0 3px',
      overviewRulerColor: color('editorOverviewRuler.addedForeground'),
      overviewRulerLane: vscode.OverviewRulerLane.Left,
    }),
    removed: vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: color('diffEditor.removedLineBackground'),
      borderStyle: 'solid',
      borderColor: color('editorGutter.deletedBackground'),
      borderWidth: '0 0 0 3px',
      overviewRulerColor: color('editorOverviewRuler.deletedForeground'),
      overviewRulerLane: vscode.OverviewRulerLane.Left,
    }),
    pending: vscode.window.createTextEditorDecorationType({ isWholeLine: true, opacity: '0.55' }),
  };
  private readonly caret = vscode.window.createTextEditorDecorationType({
    after: { contentText: '▍', color: color('editorCursor.foreground') },
  });
  /** Says who is writing, at the end of the edit's first line: decorations show at once, CodeLens only when typing pauses. */
  private readonly banner = vscode.window.createTextEditorDecorationType({
    after: { color: color('editorCodeLens.foreground'), margin: '0 0 0 2.5em', fontStyle: 'italic' },
  });

  /**
   * Draws `lines`, the first of which is the document's line `firstLine`, in every editor showing
   * it; while streaming, with `banner` at the end of the first line.
   */
  paint(document: vscode.TextDocument, firstLine: number, lines: readonly DiffLine[], streaming: boolean, banner = ''): void {
    const ranges: Record<LineKind, vscode.Range[]> = { same: [], added: [], removed: [], pending: [] };
    lines.forEach((line, i) => ranges[line.kind].push(new vscode.Range(firstLine + i, 0, firstLine + i, 0)));
    const caretAt = streaming ? caretLine(lines) : -1;
    const caret = caretAt >= 0 ? [new vscode.Range(firstLine + caretAt, lines[caretAt].text.length, firstLine + caretAt, lines[caretAt].text.length)] : [];
    const bannerAt = lines.length && banner ? [{
      range: new vscode.Range(firstLine, lines[0].text.length, firstLine, lines[0].text.length),
      renderOptions: { after: { contentText: banner } },
    }] : [];
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document !== document) continue;
      editor.setDecorations(this.types.added, ranges.added);
      editor.setDecorations(this.types.removed, ranges.removed);
      editor.setDecorations(this.types.pending, ranges.pending);
      editor.setDecorations(this.caret, caret);
      editor.setDecorations(this.banner, bannerAt);
    }
  }

  clear(document: vscode.TextDocument): void {
    this.paint(document, 0, [], false);
  }

  dispose(): void {
    for (const type of Object.values(this.types)) type.dispose();
    this.caret.dispose();
    this.banner.dispose();
  }
}

/** The last line the stream wrote: the last added line before the first pending one. */
function caretLine(lines: readonly DiffLine[]): number {
  const firstPending = lines.findIndex((line) => line.kind === 'pending');
  const end = firstPending < 0 ? lines.length : firstPending;
  for (let i = end - 1; i >= 0; i--) if (lines[i].kind !== 'removed') return i;
  return -1;
}
