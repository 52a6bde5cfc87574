/** The replacement so far, as complete lines plus the line still streaming. */
export interface ReplacementLines {
  lines: string[];
  /** The last, incomplete line ('' when none, and always '' once the reply is complete). */
  partial: string;
}

/**
 * Splits the cleaned reply into lines. A complete reply's final line break is the end of its last
 * line, not an extra empty line: the region's own line break follows it. When the region is
 * indented and the model dropped that indentation (its first line starts at column 0), every line
 * is indented back by the region's common indentation.
 */
export function replacementLines(cleaned: string, done: boolean, baseIndent: string): ReplacementLines {
  const text = cleaned.replace(/\r\n/g, '\n');
  let lines: string[];
  let partial = '';
  if (done) {
    const body = text.replace(/\r$/, '').replace(/\n$/, '');
    lines = body === '' ? [] : body.split('\n');
  } else {
    lines = text.split('\n');
    partial = lines.pop()!.replace(/\r$/, '');
  }
  if (!baseIndent || !droppedIndent([...lines, partial])) return { lines, partial };
  const indent = (line: string) => (line.trim() ? baseIndent + line : line);
  return { lines: lines.map(indent), partial: indent(partial) };
}

/** Whether the first line with text starts at column 0 (decided as soon as its first character arrives). */
function droppedIndent(lines: readonly string[]): boolean {
  const first = lines.find((line) => line.trim() !== '');
  return first !== undefined && !/^\s/.test(first);
}

/** The leading whitespace every non-blank line shares. */
export function commonIndent(lines: readonly string[]): string {
  let common: string | undefined;
  for (const line of lines) {
    if (!line.trim()) continue;
    const indent = /^[ \t]*/.exec(line)![0];
    if (common === undefined) {
      common = indent;
      continue;
    }
    let k = 0;
    while (k < common.length && k < indent.length && common[k] === indent[k]) k++;
    common = common.slice(0, k);
    if (!common) return '';
  }
  return common ?? '';
}
