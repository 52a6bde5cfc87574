import type { ChatRequest } from '../chat';
import { isRepetition } from './seamText';

/**
 * How an attempt asks its model for text.
 * - `fresh`: the original request.
 * - `prefill`: the partial answer as a trailing assistant message, which the model continues.
 * - `instruction`: the partial answer as an assistant turn, then a user turn asking to continue it
 *   and to begin by repeating its last line (the anchor) verbatim.
 * - `restart`: the original request again; the user's partial answer is discarded.
 */
export type AttemptForm = 'fresh' | 'prefill' | 'instruction' | 'restart';

/**
 * The request that carries an answer on to another model. The user's system prompt is passed
 * through untouched: the continuation instruction is a user turn, so it never overrides a persona.
 *
 * Both forms show the backup the partial without its trailing whitespace (Anthropic rejects a
 * prefill that ends in whitespace, and one rule for both forms keeps the seam knowable): whatever
 * the backup writes follows the partial's last visible character, and the seam stitcher reconciles
 * its leading whitespace with the whitespace the user already has.
 */
export function continuationRequest(original: ChatRequest, partial: string, form: AttemptForm, prompt: string): ChatRequest {
  const shown = partial.trimEnd();
  switch (form) {
    case 'fresh':
    case 'restart':
      return original;
    case 'prefill':
      return { ...original, messages: [...original.messages, { role: 'assistant', content: shown }] };
    case 'instruction':
      return {
        ...original,
        messages: [
          ...original.messages,
          { role: 'assistant', content: shown },
          { role: 'user', content: `${prompt}\n\n${anchorInstruction(seamAnchor(partial))}` },
        ],
      };
  }
}

/** The anchor should hold at least this many visible characters, so it is unlikely to be genuine text. */
const ANCHOR_MIN_VISIBLE = 16;
const ANCHOR_MAX_LINES = 4;
/** The longest anchor; beyond it, the anchor starts at a word break inside its first line. */
const ANCHOR_MAX = 160;
/** How far back an anchor must not occur again: a reply that restates this much could start with it. */
const UNIQUE_WITHIN = 8192;
/** A last line longer than ANCHOR_MAX is cut to about this many characters. */
const ANCHOR_TAIL = 60;

/**
 * The text the backup is asked to repeat before it continues: the end of the partial (without
 * trailing whitespace), from the start of its last line, extended to earlier lines while it is
 * short, repetitive (a line of `0, 0, 0` or `====` could just as well be new text), weak (see
 * {@link weakAnchor}) or found earlier in the answer (a row of data like the rows above it), and
 * cut to its last words when it grows long. The stitcher computes the same
 * anchor from the same partial.
 */
export function seamAnchor(partial: string): string {
  const shown = partial.trimEnd();
  let start = shown.lastIndexOf('\n') + 1;
  if (shown.length - start > ANCHOR_MAX) return fromWordBreak(shown, shown.length - ANCHOR_TAIL);
  for (let lines = 1; lines < ANCHOR_MAX_LINES; lines++) {
    const anchor = shown.slice(start);
    if (visible(anchor) >= ANCHOR_MIN_VISIBLE && !isRepetition(anchor.trimStart()) && !weakAnchor(anchor) && unique(shown, anchor)) break;
    const previous = previousLineStart(shown, start);
    if (previous === undefined) break;
    if (shown.length - previous > ANCHOR_MAX) return fromWordBreak(shown, shown.length - ANCHOR_MAX);
    start = previous;
  }
  return shown.slice(start);
}

/** Whether `anchor` (the end of `shown`) occurs nowhere else in the last stretch of `shown`. */
function unique(shown: string, anchor: string): boolean {
  const body = anchor.trimStart();
  const recent = shown.slice(Math.max(0, shown.length - UNIQUE_WITHIN));
  return recent.lastIndexOf(body, recent.length - body.length - 1) < 0;
}

/** `text` from the first word break at or after `from` (so the anchor starts with a whole word). */
function fromWordBreak(text: string, from: number): string {
  const space = text.slice(from, text.length - ANCHOR_MIN_VISIBLE).search(/\s/);
  let start = space >= 0 ? from + space + 1 : from;
  if (/[\uDC00-\uDFFF]/.test(text[start])) start--;
  return text.slice(start);
}

/**
 * Whether an anchor of several lines is rows of data: its whole lines all the same, and starting
 * like its last (cut) line. A backup that ignores the anchor and restarts the last line can then
 * write text that begins with the anchor (the next row is the same row), so the stitcher cannot
 * cut on it with certainty.
 */
export function weakAnchor(anchor: string): boolean {
  const lines = anchor.split('\n').map((line) => line.trim()).filter(Boolean);
  if (lines.length < 2) return false;
  const rows = lines.slice(0, -1);
  return rows.every((row) => row === rows[0]) && rows[0].startsWith(lines[lines.length - 1]);
}

/** The start of the nearest non-blank line above the line that starts at `start`. */
function previousLineStart(text: string, start: number): number | undefined {
  for (let end = start - 1; end > 0;) {
    const from = text.lastIndexOf('\n', end - 1) + 1;
    if (text.slice(from, end).trim()) return from;
    end = from - 1;
  }
  return undefined;
}

function visible(text: string): number {
  return text.replace(/\s/g, '').length;
}

/**
 * The part of the continuation instruction that asks for the anchor. It follows the configurable
 * prompt, as its own paragraph, so a custom prompt keeps working.
 */
export function anchorInstruction(anchor: string): string {
  return 'So that the two parts join exactly, begin your reply by repeating, character for character, '
    + `the end of your previous reply: the text between ${ANCHOR_OPEN} and ${ANCHOR_CLOSE} `
    + 'below, without those tags. Then go straight on from where it ends, as if there had been no interruption.\n'
    + `${ANCHOR_OPEN}${anchor}${ANCHOR_CLOSE}`;
}

/** The tags around the anchor in the instruction (a model may copy them too; the stitcher knows). */
export const ANCHOR_OPEN = '<end_of_previous_reply>';
export const ANCHOR_CLOSE = '</end_of_previous_reply>';
