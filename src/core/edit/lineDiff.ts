/**
 * The lines of a pending edit as the editor shows them: the original and the replacement
 * interleaved, each line marked as kept, removed or added. Accepting keeps `same` and `added`
 * lines; rejecting keeps `same` and `removed` ones. `pending` lines are original lines the
 * replacement has not reached yet; both outcomes keep them.
 */
export type LineKind = 'same' | 'removed' | 'added' | 'pending';

export interface DiffLine {
  kind: LineKind;
  text: string;
}

/** Above this many cells the final diff falls back to the streaming one. */
const MAX_LCS_CELLS = 4_000_000;

/**
 * Diffs the original lines against the replacement so far. While the replacement streams, a
 * greedy match keeps every decision final, so lines never jump around: each new line is matched
 * to the next equal original line (a trivial line such as "}" only to the very next one), the
 * original lines it skips are removed, and the original lines not reached yet stay `pending`.
 * When the replacement is complete, a longest-common-subsequence diff gives the final picture.
 *
 * @param partial the replacement's last, still incomplete line ('' for none); shown as added.
 */
export function diffLines(original: readonly string[], replacement: readonly string[], partial: string, done: boolean): DiffLine[] {
  if (done) return lcsDiff(original, partial ? [...replacement, partial] : replacement);
  const out: DiffLine[] = [];
  let next = 0;
  for (const line of replacement) {
    const match = findMatch(original, next, line);
    if (match < 0) {
      out.push({ kind: 'added', text: line });
      continue;
    }
    for (; next < match; next++) out.push({ kind: 'removed', text: original[next] });
    out.push({ kind: 'same', text: line });
    next = match + 1;
  }
  if (partial) out.push({ kind: 'added', text: partial });
  for (; next < original.length; next++) out.push({ kind: 'pending', text: original[next] });
  return out;
}

function findMatch(original: readonly string[], from: number, line: string): number {
  if (isTrivial(line)) return original[from] === line ? from : -1;
  for (let i = from; i < original.length; i++) if (original[i] === line) return i;
  return -1;
}

/** Blank lines and lone brackets match too often to anchor a diff on. */
function isTrivial(line: string): boolean {
  return /^[\s{}()[\];,]*$/.test(line);
}

/** A minimal line diff; removals come before additions within a changed run, as in diff views. */
export function lcsDiff(original: readonly string[], replacement: readonly string[]): DiffLine[] {
  let head = 0;
  while (head < original.length && head < replacement.length && original[head] === replacement[head]) head++;
  let tail = 0;
  while (tail < original.length - head && tail < replacement.length - head
    && original[original.length - 1 - tail] === replacement[replacement.length - 1 - tail]) tail++;
  const a = original.slice(head, original.length - tail);
  const b = replacement.slice(head, replacement.length - tail);
  const middle = (a.length + 1) * (b.length + 1) > MAX_LCS_CELLS ? diffLines(a, b, '', false).map(settle) : lcsMiddle(a, b);
  return [
    ...original.slice(0, head).map((text): DiffLine => ({ kind: 'same', text })),
    ...middle,
    ...original.slice(original.length - tail).map((text): DiffLine => ({ kind: 'same', text })),
  ];
}

function settle(line: DiffLine): DiffLine {
  return line.kind === 'pending' ? { kind: 'removed', text: line.text } : line;
}

function lcsMiddle(a: readonly string[], b: readonly string[]): DiffLine[] {
  const width = b.length + 1;
  // lengths[i * width + j]: LCS length of a[i..] and b[j..].
  const lengths = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i * width + j] = a[i] === b[j]
        ? lengths[(i + 1) * width + j + 1] + 1
        : Math.max(lengths[(i + 1) * width + j], lengths[i * width + j + 1]);
    }
  }
  const out: DiffLine[] = [];
  let removed: DiffLine[] = [];
  let added: DiffLine[] = [];
  const flush = () => {
    out.push(...removed, ...added);
    removed = [];
    added = [];
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      flush();
      out.push({ kind: 'same', text: a[i] });
      i++;
      j++;
    } else if (j < b.length && (i === a.length || lengths[i * width + j + 1] >= lengths[(i + 1) * width + j])) {
      added.push({ kind: 'added', text: b[j++] });
    } else {
      removed.push({ kind: 'removed', text: a[i++] });
    }
  }
  flush();
  return out;
}

/** The lines that accepting (`accept`) or rejecting (`reject`) the edit keeps. */
export function keptLines(lines: readonly DiffLine[], outcome: 'accept' | 'reject'): string[] {
  const drop: LineKind = outcome === 'accept' ? 'removed' : 'added';
  return lines.filter((line) => line.kind !== drop).map((line) => line.text);
}
