/**
 * Joins a backup model's continuation onto the partial answer the user already has.
 *
 * Models asked to continue often start by repeating the end of the partial: the last words, the
 * last line, or the whole answer. The stitcher holds the continuation back while it could still be
 * such a repeat (it is text that occurs in the partial), then drops the longest overlap between the
 * partial's end and the continuation's start, reconciles whitespace at the seam, and from then on
 * passes text straight through. Nothing already shown is ever taken back.
 */
export class SeamStitcher {
  private readonly trimmed: string;
  private readonly trailing: string;
  private held = '';
  private resolved = false;

  /** @param partial the text already delivered to the user. */
  constructor(partial: string) {
    this.trimmed = partial.trimEnd();
    this.trailing = partial.slice(this.trimmed.length);
  }

  /** Takes the next continuation text; returns what may be shown now (possibly nothing yet). */
  push(text: string): string {
    if (this.resolved) return text;
    this.held += text;
    const body = this.held.trimStart();
    if (body === '' || (this.trimmed.includes(body) && body.length < this.trimmed.length)) return '';
    return this.resolve();
  }

  /** The continuation ended (or failed): decides on whatever is still held. */
  end(): string {
    return this.resolved ? '' : this.resolve();
  }

  private resolve(): string {
    this.resolved = true;
    const held = this.held;
    this.held = '';
    const body = held.trimStart();
    const overlap = acceptedOverlap(this.trimmed, body);
    const rest = overlap > 0 ? body.slice(overlap) : held;
    const restBody = rest.trimStart();
    return joinWhitespace(this.trailing, rest.slice(0, rest.length - restBody.length)) + restBody;
  }
}

/** Repeats at least this long always count. */
const SURE_OVERLAP = 12;

/**
 * The length of the longest prefix of `next` that is also a suffix of `before`, when it is
 * plausibly a repeat rather than a coincidence. A genuine continuation rarely re-types what just
 * ended, but it may start with the same letter or two, so a short overlap counts only when it is
 * a whole word or more (it starts at a word boundary) or spans a word break ("d the" after "Hand the").
 */
export function acceptedOverlap(before: string, next: string): number {
  const k = longestSuffixPrefix(before, next);
  if (k < 2) return 0;
  if (k >= SURE_OVERLAP) return k;
  const start = before.length - k;
  const startsWord = start === 0 || /[\s\p{P}]/u.test(before[start - 1]) || /\p{P}/u.test(before[start]);
  const spansBreak = k >= 4 && /[\s\p{P}]/u.test(before.slice(start + 1));
  return startsWord || spansBreak ? k : 0;
}

/** Longest k with `before.endsWith(next.slice(0, k))`, in linear time (prefix function). */
export function longestSuffixPrefix(before: string, next: string): number {
  const m = Math.min(before.length, next.length);
  if (m === 0) return 0;
  const pattern = next.slice(0, m);
  const text = before.slice(before.length - m);
  const fail = new Int32Array(m);
  for (let i = 1, k = 0; i < m; i++) {
    while (k > 0 && pattern[i] !== pattern[k]) k = fail[k - 1];
    if (pattern[i] === pattern[k]) k++;
    fail[i] = k;
  }
  let k = 0;
  for (let i = 0; i < text.length; i++) {
    while (k > 0 && text[i] !== pattern[k]) k = fail[k - 1];
    if (text[i] === pattern[k]) k++;
    if (k === m && i < text.length - 1) k = fail[k - 1];
  }
  return k;
}

/**
 * The whitespace to emit at the seam, given what the user already has (`shown`) and what the
 * continuation put there (`wanted`). Shown whitespace cannot be taken back, so only the missing
 * part is added: the rest of `wanted` when it extends `shown`, otherwise any extra line breaks
 * (with the indentation of the last one) so that paragraphs and code lines stay apart.
 */
export function joinWhitespace(shown: string, wanted: string): string {
  if (wanted.startsWith(shown)) return wanted.slice(shown.length);
  const extraBreaks = count(wanted, '\n') - count(shown, '\n');
  if (extraBreaks > 0) return '\n'.repeat(extraBreaks) + wanted.slice(wanted.lastIndexOf('\n') + 1);
  return '';
}

function count(text: string, char: string): number {
  let n = 0;
  for (const c of text) if (c === char) n++;
  return n;
}
