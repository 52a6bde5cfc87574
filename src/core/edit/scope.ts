/** Inclusive line range. */
export interface LineSpan {
  start: number;
  end: number;
}

/** What an edit without a selection covers, and how to name it to the person and the model. */
export type EditScope =
  | { kind: 'file'; span: LineSpan }
  | { kind: 'block'; span: LineSpan; header: string }
  | { kind: 'lines'; span: LineSpan };

export interface ScopeLimits {
  /** A file this small (both limits) is edited whole. */
  smallFileLines: number;
  smallFileChars: number;
  /** A block longer than this is too big to rewrite for a one-line request; a smaller one is used. */
  maxBlockLines: number;
}

export const DEFAULT_SCOPE_LIMITS: ScopeLimits = { smallFileLines: 40, smallFileChars: 2_500, maxBlockLines: 300 };

/**
 * Headers of blocks that are units of code a person means by "this": functions, methods, classes
 * and their kin across languages. Other blocks (an `if`, a loop) are used only when no such unit
 * encloses the line.
 */
const DEFINITION = new RegExp([
  String.raw`\b(?:function|def|class|fn|func|fun|sub|proc|procedure|method|interface|struct|impl|trait|enum|module|namespace|object|record|protocol|extension|macro_rules!)\b`,
  String.raw`=>\s*[{(]?\s*$`,
  // A method or function declared by name: `async parse(text: string): Node {`, `void run() {`.
  String.raw`^\s*(?:(?:public|private|protected|internal|static|async|override|readonly|export|default|abstract|final|virtual|inline|const|unsafe|pub(?:\([^)]*\))?)\s+)*(?:[\w<>\[\],.?*&]+\s+)*(?!(?:if|for|foreach|while|switch|catch|with|return|else|do|try|elif|until|unless|match|when|using|lock|synchronized|await|new|throw|typeof|sizeof)\b)[A-Za-z_$][\w$]*\s*(?:<[^>]*>)?\s*\([^;]*\)\s*(?::[^{;]+|->[^{;]+|throws [^{;]+)?\s*\{\s*$`,
].join('|'));

const CLOSER = /^\s*(?:[)\]}]|<\/|(?:end|fi|done|esac|until|endif|endfor|endwhile|endfunction|wend|next)\b)/;
const CONTINUATION = /^\s*(?:[)\]}].*[{:(\[]\s*$|(?:else|elif|elsif|elseif|except|catch|finally|rescue|ensure|when|case|default)\b)/;

/**
 * The scope of an edit started without a selection: the whole file when it is small, otherwise the
 * function-like block around the line, otherwise the innermost block, otherwise the paragraph.
 */
export function chooseScope(lines: readonly string[], line: number, limits: ScopeLimits = DEFAULT_SCOPE_LIMITS): EditScope {
  const chars = lines.reduce((sum, text) => sum + text.length + 1, 0);
  const lastLine = lastNonBlank(lines);
  if (lines.length <= limits.smallFileLines && chars <= limits.smallFileChars) {
    return { kind: 'file', span: { start: 0, end: Math.max(0, lastLine) } };
  }
  const blocks = enclosingBlocks(lines, line).filter((block) => block.end - block.start + 1 <= limits.maxBlockLines);
  const block = blocks.find((b) => DEFINITION.test(lines[b.header])) ?? blocks[0];
  if (block) return { kind: 'block', span: { start: block.start, end: block.end }, header: lines[block.header].trim() };
  return { kind: 'lines', span: paragraph(lines, line) };
}

interface Block extends LineSpan {
  /** The line that opens the block (after any decorators and continuation lines above it). */
  header: number;
}

/** The blocks around `line`, innermost first, found by indentation and closing lines. */
export function enclosingBlocks(lines: readonly string[], line: number): Block[] {
  const anchor = anchorLine(lines, line);
  if (anchor < 0) return [];
  const headers: number[] = [];
  if (opensBlock(lines, anchor)) headers.push(anchor);
  else if (CLOSER.test(lines[anchor])) {
    // On a closing line, the block meant is the one it closes.
    const opener = previousAtIndent(lines, anchor);
    if (opener >= 0) headers.push(opener);
  }
  let level = indentOf(lines[anchor]);
  for (let i = anchor - 1; i >= 0 && level > 0; i--) {
    if (isBlank(lines[i])) continue;
    const indent = indentOf(lines[i]);
    if (indent < level) {
      headers.push(i);
      level = indent;
    }
  }
  const blocks: Block[] = [];
  for (const header of headers) {
    const start = constructStart(lines, header);
    let first = start;
    while (first < header && /^\s*@/.test(lines[first])) first++;
    const block = { start, end: blockEnd(lines, header), header: first };
    if (!blocks.some((b) => b.start === block.start && b.end === block.end)) blocks.push(block);
  }
  return blocks.filter((b) => b.start <= line && line <= b.end || b.start <= anchor && anchor <= b.end);
}

/** The line to measure from: the line itself, or the nearest line with text below, then above. */
function anchorLine(lines: readonly string[], line: number): number {
  if (line < lines.length && !isBlank(lines[line])) return line;
  for (let i = line + 1; i < lines.length; i++) if (!isBlank(lines[i])) return i;
  for (let i = Math.min(line, lines.length) - 1; i >= 0; i--) if (!isBlank(lines[i])) return i;
  return -1;
}

function opensBlock(lines: readonly string[], line: number): boolean {
  const next = nextNonBlank(lines, line + 1);
  return next >= 0 && indentOf(lines[next]) > indentOf(lines[line]);
}

/**
 * Walks up from a block's first line to where its construct starts: from `} else {` to the `if`,
 * from `) {` to the line that opened the parameter list, and over decorators such as `@Get()`.
 */
function constructStart(lines: readonly string[], header: number): number {
  let start = header;
  const indent = indentOf(lines[header]);
  while (CLOSER.test(lines[start]) || CONTINUATION.test(lines[start])) {
    const above = previousNonBlank(lines, start - 1);
    if (above < 0 || indentOf(lines[above]) !== indent) break;
    start = above;
  }
  for (let above = previousNonBlank(lines, start - 1); above >= 0 && indentOf(lines[above]) === indent && /^\s*@/.test(lines[above]); above = previousNonBlank(lines, above - 1)) {
    start = above;
  }
  return start;
}

/** The last line of the block that `header` opens: its deeper-indented body, plus closing lines. */
function blockEnd(lines: readonly string[], header: number): number {
  const indent = indentOf(lines[header]);
  let end = header;
  for (let i = header + 1; i < lines.length; i++) {
    if (isBlank(lines[i])) continue;
    const current = indentOf(lines[i]);
    if (current > indent) {
      end = i;
      continue;
    }
    if (current === indent && (CLOSER.test(lines[i]) || CONTINUATION.test(lines[i]))) {
      end = i;
      if (opensBlock(lines, i)) continue;
    }
    break;
  }
  return end;
}

function paragraph(lines: readonly string[], line: number): LineSpan {
  const anchor = Math.max(0, anchorLine(lines, line));
  let start = anchor;
  let end = anchor;
  while (start > 0 && !isBlank(lines[start - 1])) start--;
  while (end < lines.length - 1 && !isBlank(lines[end + 1])) end++;
  return { start, end };
}

/** The nearest line above at the same indentation, passing over deeper lines; -1 if a shallower one comes first. */
function previousAtIndent(lines: readonly string[], line: number): number {
  const indent = indentOf(lines[line]);
  for (let i = line - 1; i >= 0; i--) {
    if (isBlank(lines[i])) continue;
    const current = indentOf(lines[i]);
    if (current === indent) return i;
    if (current < indent) return -1;
  }
  return -1;
}

function nextNonBlank(lines: readonly string[], from: number): number {
  for (let i = from; i < lines.length; i++) if (!isBlank(lines[i])) return i;
  return -1;
}

function previousNonBlank(lines: readonly string[], from: number): number {
  for (let i = from; i >= 0; i--) if (!isBlank(lines[i])) return i;
  return -1;
}

function lastNonBlank(lines: readonly string[]): number {
  return previousNonBlank(lines, lines.length - 1);
}

function isBlank(line: string): boolean {
  return line.trim() === '';
}

/** Indentation width, with tabs to the next multiple of four. */
export function indentOf(line: string): number {
  let width = 0;
  for (const char of line) {
    if (char === ' ') width++;
    else if (char === '\t') width += 4 - (width % 4);
    else break;
  }
  return width;
}
