/**
 * Text facts the seam stitcher decides on: overlaps, repetition, a case- and whitespace-folded view,
 * code fences, preamble lines and whitespace at the join. Every function here is linear in its input.
 */

/** Longest k with `before.endsWith(next.slice(0, k))`, in linear time (prefix function). */
export function longestSuffixPrefix(before: string, next: string): number {
  const m = Math.min(before.length, next.length);
  if (m === 0) return 0;
  const pattern = next.slice(0, m);
  const text = before.slice(before.length - m);
  const fail = prefixFunction(pattern);
  let k = 0;
  for (let i = 0; i < text.length; i++) {
    while (k > 0 && text[i] !== pattern[k]) k = fail[k - 1];
    if (text[i] === pattern[k]) k++;
    if (k === m && i < text.length - 1) k = fail[k - 1];
  }
  return k;
}

function prefixFunction(pattern: string): Int32Array {
  const fail = new Int32Array(pattern.length);
  for (let i = 1, k = 0; i < pattern.length; i++) {
    while (k > 0 && pattern[i] !== pattern[k]) k = fail[k - 1];
    if (pattern[i] === pattern[k]) k++;
    fail[i] = k;
  }
  return fail;
}

/**
 * Whether `text` is a shorter string repeated (`0, 0` is `0, ` twice minus nothing: `", 0, 0"` is
 * `", 0"` twice). Such a run at the end of the partial reads the same whether the backup repeated
 * it or genuinely continued the pattern, so it is never trimmed.
 */
export function isRepetition(text: string): boolean {
  if (text.length < 2) return false;
  const fail = prefixFunction(text);
  const period = text.length - fail[text.length - 1];
  return period < text.length && text.length % period === 0;
}

/**
 * Whether the last `k` characters of `text` are whole lines right after the same lines, indentation
 * included (a row of data after an identical row; "});" after "  });" is nesting, not a row). A backup that writes them once more may be restating them or
 * writing the next identical row.
 */
export function repeatedBefore(text: string, k: number): boolean {
  const start = text.length - k;
  if (!text.slice(start).trim() || !startsLine(text, start)) return false;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const lines = text.slice(lineStart);
  const before = text.slice(0, lineStart).trimEnd();
  const at = before.length - lines.length;
  return before.endsWith(lines) && (at === 0 || before[at - 1] === '\n');
}

/** How much of each side of the join {@link continuesPattern} compares. */
const JUNCTION = 6;

/**
 * Whether the text already shows its own ending followed by the start of its last `k` characters:
 * then those characters, written again, may be the pattern going on (the next row of zeros after
 * "[0") as much as a restatement.
 */
export function continuesPattern(text: string, k: number): boolean {
  const start = text.length - k;
  const junction = text.slice(Math.max(0, text.length - JUNCTION)) + text.slice(start, start + JUNCTION);
  return text.lastIndexOf(junction, text.length - junction.length - 1) >= 0;
}

/** Whether only indentation comes before `index` on its line. */
export function startsLine(text: string, index: number): boolean {
  return !/\S/.test(text.slice(text.lastIndexOf('\n', index - 1) + 1, index));
}

/** Repeats at least this long count even when they start mid-word. */
const SURE_OVERLAP = 12;
const BREAK = /[\s\p{P}\p{S}]/u;
const LETTER = /\p{L}/u;

/** Whether `text` has letters: text without them is data (numbers, brackets, rules). */
export function hasLetters(text: string): boolean {
  return LETTER.test(text);
}

/** Whether `text` starts with two or more of its own last characters. */
function selfOverlaps(text: string): boolean {
  return prefixFunction(text)[text.length - 1] >= 2;
}
const IDEOGRAPHIC = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/**
 * Whether the last `k` characters of `before`, found again at the start of the backup's reply, are
 * plausibly a repeat rather than genuine text. A genuine continuation rarely re-types what just
 * ended, but it may start with the same letter or two, so a short overlap counts only when it is a
 * whole word or more (it starts at a word boundary, or in CJK text, where every character is one)
 * or spans a word break ("d the" after "Hand the"). Repetitive text never counts: see {@link isRepetition},
 * {@link repeatedBefore} and {@link continuesPattern}; text without letters counts only when long
 * and not overlapping itself.
 */
export function plausibleRepeat(before: string, k: number): boolean {
  if (k < 2) return false;
  const start = before.length - k;
  const region = before.slice(start);
  if (isRepetition(region) || repeatedBefore(before, k) || continuesPattern(before, k)) return false;
  // Text without letters (numbers, brackets, rules) is built from a few symbols that recur: a short
  // match, or one that overlaps itself ("0, 0, 0," is also "0," twice), proves nothing.
  if (!LETTER.test(region)) return k >= SURE_OVERLAP && !selfOverlaps(region);
  if (k >= SURE_OVERLAP) return true;
  const previous = before[start - 1];
  const startsWord = start === 0 || BREAK.test(previous) || BREAK.test(before[start])
    || IDEOGRAPHIC.test(previous) || IDEOGRAPHIC.test(before[start]);
  const spansBreak = k >= 4 && BREAK.test(before.slice(start + 1));
  return startsWord || spansBreak;
}

/**
 * A string with whitespace removed and letters lower-cased, with the index in the original of every
 * folded character, for matching a repeat that a model re-typed with other indentation or case.
 */
export class Folded {
  readonly text: string;
  /** `at[i]` is the index in the original of folded character `i`. */
  readonly at: Int32Array;

  constructor(original: string) {
    const chars: string[] = [];
    const at: number[] = [];
    foldInto(original, 0, chars, at);
    this.text = chars.join('');
    this.at = Int32Array.from(at);
  }
}

/** `text` without whitespace and lower-cased, as {@link Folded} does it, without the index. */
export function fold(text: string): string {
  const chars: string[] = [];
  foldInto(text, 0, chars, []);
  return chars.join('');
}

/** One pass, one code unit at a time: this runs on every piece of text held at the seam. */
function foldInto(text: string, offset: number, chars: string[], at: number[]): void {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isSpace(code)) continue;
    if (code < 0x80) {
      chars.push(code >= 0x41 && code <= 0x5a ? String.fromCharCode(code + 0x20) : text[i]);
      at.push(offset + i);
    } else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const pair = text.slice(i, i + 2);
      const lower = pair.toLowerCase();
      chars.push(lower.length === 2 ? lower : pair);
      at.push(offset + i, offset + i + 1);
      i++;
    } else {
      const lower = text[i].toLowerCase();
      chars.push(lower.length === 1 ? lower : text[i]);
      at.push(offset + i);
    }
  }
}

/** The code units JavaScript's `\s` matches. */
function isSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0xa0 || code === 0x1680
    || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f
    || code === 0x205f || code === 0x3000 || code === 0xfeff;
}

/** A code fence that is open at the end of a text. */
export interface OpenFence {
  /** The opening line as written, e.g. "```python". */
  line: string;
  marker: '`' | '~';
  length: number;
  info: string;
}

const FENCE = /^[ \t]*(`{3,}|~{3,})(.*)$/;
const FENCE_LINES = /^[ \t]*(`{3,}|~{3,})([^\n]*)$/gm;

/**
 * The code fence left open at the end of `text`, if any (CommonMark rules, indentation tolerated
 * for fences in list items). Only complete lines count: a last line without its line break may
 * still become something else.
 */
export function openFenceAt(text: string): OpenFence | undefined {
  let open: OpenFence | undefined;
  // Only lines that look like fences are visited; the regex engine skips the rest in one pass.
  for (const match of text.matchAll(FENCE_LINES)) {
    if (match.index + match[0].length >= text.length) break;
    const [, run, rest] = match;
    const marker = run[0] as '`' | '~';
    if (!open) {
      if (marker === '`' && rest.includes('`')) continue;
      open = { line: match[0].replace(/\r$/, ''), marker, length: run.length, info: rest.trim() };
    } else if (marker === open.marker && run.length >= open.length && !rest.trim()) {
      open = undefined;
    }
  }
  return open;
}

/** Whether a line opens (or reopens) a fence like `fence`: same marker, at least as long. */
export function fenceLine(line: string, fence: OpenFence): { info: string } | undefined {
  const match = FENCE.exec(line.replace(/\r$/, ''));
  if (!match || match[1][0] !== fence.marker || match[1].length < fence.length) return undefined;
  return { info: match[2].trim() };
}

/** Whether a partial line could still become a fence line like `fence`. */
export function couldBeFenceLine(partialLine: string, fence: OpenFence): boolean {
  const body = partialLine.replace(/^[ \t]*/, '');
  return body.length < fence.length ? [...body].every((c) => c === fence.marker) : fenceLine(partialLine, fence) !== undefined;
}

/** Longest line a preamble may be. */
export const PREAMBLE_MAX = 160;
const PREAMBLE_WORDS = /continu|left off|pick(?:ing|ed)? up|resum|\bthe rest\b|rest of|remainder|carry(?:ing)? on|where (?:i|we|it) (?:left|stopped)|cut off|继续|接着|続け|続き|계속/i;
const PREAMBLE_SHAPE = /(?:[:：…]|\.\.\.)\s*$|^\s*[([*_].*[)\]*_]\s*$/u;

/** Prose that opens like an aside: a capital, a bracket, emphasis, an ellipsis or CJK, and no code punctuation. */
function asideProse(line: string): boolean {
  return (/^[\p{Lu}([*_.…]/u.test(line) || IDEOGRAPHIC.test(line[0] ?? ''))
    && /^[\p{L}\p{M}\p{N}\s'’",!.…*_()[\]—–-]*[:：]?\s*$/u.test(line);
}

/**
 * Whether a whole first line is a model's aside rather than answer text ("Continuing from where I
 * left off:", "(continued)", "继续："): short prose, about continuing, and shaped as a lead-in.
 */
export function isPreamble(line: string): boolean {
  return line.length <= PREAMBLE_MAX && asideProse(line) && PREAMBLE_WORDS.test(line) && PREAMBLE_SHAPE.test(line);
}

/**
 * Whether an incomplete first line could still become a preamble, so that it is worth waiting for
 * its end: aside-like prose, either already about continuing or still short enough to become so.
 */
export function couldBePreamble(partialLine: string): boolean {
  return partialLine.length <= (PREAMBLE_WORDS.test(partialLine) ? PREAMBLE_MAX : 40) && asideProse(partialLine);
}

/** The whitespace at the very start of a text. */
export function leadingSpace(text: string): string {
  return /^\s*/.exec(text)![0];
}

/**
 * The whitespace to emit at the seam. `shown` is the whitespace the user already has after the last
 * visible character; `wanted` is the whitespace the backup put after that same character. Shown
 * whitespace cannot be taken back, so it is authoritative: the result is what `wanted` adds to it.
 * `exact` is false when the two disagree (a tab shown, spaces wanted): then only extra line breaks,
 * with the backup's indentation after them, or indentation beyond what is shown are added.
 */
export function seamWhitespace(shown: string, wanted: string): { text: string; exact: boolean } {
  if (wanted.startsWith(shown)) return { text: wanted.slice(shown.length), exact: true };
  if (shown.startsWith(wanted)) return { text: '', exact: true };
  const shownBreaks = count(shown, '\n');
  const wantedBreaks = count(wanted, '\n');
  const wantedIndent = wanted.slice(wanted.lastIndexOf('\n') + 1);
  const shownIndent = shown.slice(shown.lastIndexOf('\n') + 1);
  if (wantedBreaks > shownBreaks) return { text: '\n'.repeat(wantedBreaks - shownBreaks) + wantedIndent, exact: false };
  // The backup left out a line break the user already has: align its indentation on the shown one.
  const text = wantedIndent.startsWith(shownIndent) ? wantedIndent.slice(shownIndent.length) : '';
  return { text, exact: wantedBreaks === 0 && shownBreaks > 0 && wantedIndent.startsWith(shownIndent) };
}

function count(text: string, char: string): number {
  let n = 0;
  for (let i = text.indexOf(char); i >= 0; i = text.indexOf(char, i + 1)) n++;
  return n;
}

/** A short, single-line rendering of text for a log line. */
export function quote(text: string, max = 40): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut);
}
