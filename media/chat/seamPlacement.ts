/**
 * Where in a block's markdown source a seam marker may go without changing how the block renders.
 * The marker is placed at the end of the word the seam falls in (after any block syntax such as
 * `## ` or `- `), so it never splits a word, a link or an emphasis run. Lines whose syntax a stray
 * character would break (fences, rules, table delimiters, setext underlines) get no inline
 * marker: the caller puts it before the block instead.
 *
 * Pure string logic, so it is unit-tested in Node.
 */

/** Leading block syntax: indentation, quote marks, list bullets and numbers, heading hashes. */
const LEAD = /^[ \t]*(?:(?:>|[-*+]|\d{1,9}[.)]|#{1,6})[ \t]+)*(?:\[[ xX]\][ \t]+)?/;
const FRAGILE_LINE = [
  /^\s{0,3}(?:`{3,}|~{3,})/, // code fence
  /^\s{0,3}(?:[-*_][ \t]*){3,}$/, // thematic break
  /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$/, // table delimiter row
  /^\s{0,3}(?:=+|-+)\s*$/, // setext underline
];

/**
 * The index in `source` to insert the marker's sentinel at, for a seam at `offset`; undefined
 * when the marker must go before the block instead.
 */
export function sentinelIndex(source: string, offset: number): number | undefined {
  let at = Math.max(0, Math.min(offset, source.length));
  while (at < source.length && /\s/.test(source[at])) at++;
  if (at >= source.length) return undefined;
  const lineStart = source.lastIndexOf('\n', at - 1) + 1;
  const newline = source.indexOf('\n', at);
  const lineEnd = newline < 0 ? source.length : newline;
  const line = source.slice(lineStart, lineEnd);
  if (FRAGILE_LINE.some((pattern) => pattern.test(line))) return undefined;
  at = Math.max(at, lineStart + (LEAD.exec(line)?.[0].length ?? 0));
  while (at < lineEnd && !/\s/.test(source[at])) at++;
  return at;
}

/** The first non-whitespace position at or after `offset`: the seam's first visible character. */
export function visibleOffset(text: string, offset: number): number {
  let at = offset;
  while (at < text.length && /\s/.test(text[at])) at++;
  return at;
}
