import { DiffLine, keptLines } from './lineDiff';

/**
 * The text of a pending edit's region: whole lines, each with its diff kind, joined by the
 * document's line ending. The region ends with a line break unless it reaches the end of a
 * document that has none there.
 */
export class RegionText {
  constructor(public lines: DiffLine[], readonly eol: string, readonly trailingEol: boolean) {}

  /** The region from a document's text: `text` ends with `eol` exactly when `trailingEol`. */
  static original(text: string, eol: string): RegionText {
    const trailingEol = text.endsWith(eol);
    const body = trailingEol ? text.slice(0, -eol.length) : text;
    const lines = trailingEol || body ? body.split(eol) : [];
    return new RegionText(lines.map((line) => ({ kind: 'same', text: line })), eol, trailingEol);
  }

  get text(): string {
    return this.join(this.lines.map((line) => line.text));
  }

  /** What the region becomes when the edit is accepted or rejected. */
  outcome(outcome: 'accept' | 'reject'): string {
    return this.join(keptLines(this.lines, outcome));
  }

  join(lines: readonly string[]): string {
    return lines.length === 0 ? '' : lines.join(this.eol) + (this.trailingEol ? this.eol : '');
  }

  /**
   * Takes in an edit someone else made inside the region (offsets relative to its start). The
   * lines it touched keep the kind of the line it started in, so accepting or rejecting keeps
   * what the person typed where they typed it. Returns false when the edit broke the region's
   * shape (its final line break is gone); the region can then no longer be told apart.
   */
  applyEdit(offset: number, length: number, inserted: string): boolean {
    const before = this.text;
    const after = before.slice(0, offset) + inserted + before.slice(offset + length);
    if (this.trailingEol && after !== '' && !after.endsWith(this.eol)) return false;
    const first = countOf(before.slice(0, offset), this.eol);
    const last = countOf(before.slice(0, offset + length), this.eol);
    const texts = this.trailingEol ? after.slice(0, -this.eol.length).split(this.eol) : after.split(this.eol);
    if (after === '') texts.length = 0;
    const tail = Math.max(0, this.lines.length - 1 - last);
    const kind = this.lines[Math.min(first, this.lines.length - 1)]?.kind ?? 'same';
    const kinds = texts.map((_, i) => (i < first ? this.lines[i].kind : i >= texts.length - tail ? this.lines[this.lines.length - (texts.length - i)].kind : kind));
    this.lines = texts.map((text, i) => ({ kind: kinds[i], text }));
    return true;
  }
}

function countOf(text: string, part: string): number {
  let n = 0;
  for (let at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length)) n++;
  return n;
}

/** The smallest single replacement that turns `before` into `after`, as offsets into `before`. */
export function minimalEdit(before: string, after: string): { start: number; end: number; text: string } | undefined {
  if (before === after) return undefined;
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < max - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  // Never split a CRLF or a surrogate pair between the kept and the replaced part.
  while (start > 0 && (isLowSurrogate(before.charCodeAt(start)) || (before[start - 1] === '\r' && before[start] === '\n'))) start--;
  while (tail > 0 && (isLowSurrogate(before.charCodeAt(before.length - tail)) || (before[before.length - tail - 1] === '\r' && before[before.length - tail] === '\n'))) tail--;
  return { start, end: before.length - tail, text: after.slice(start, after.length - tail) };
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
