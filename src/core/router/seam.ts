/**
 * Joins a backup model's continuation onto the partial answer the user already has, byte for byte.
 *
 * Design: make the seam knowable instead of guessing it.
 * - Both continuation forms show the backup the partial without its trailing whitespace (call the
 *   shown text T and the trimmed whitespace W; the user has T + W). Whatever the backup writes
 *   therefore follows T's last visible character, and its leading whitespace is aligned on W: the
 *   user's W is authoritative, only what the backup adds to it is emitted (see `seamWhitespace`).
 * - Prefill: a prefilled model continues T exactly. Nothing is ever trimmed; only W is restored.
 * - Instruction: the backup is asked to begin by repeating an anchor verbatim (the end of T, from
 *   the start of its last line; see `seamAnchor`). When its reply starts with the anchor, the
 *   continuation is what follows it: a deterministic cut. Only when the backup does not comply does
 *   the stitcher fall back to tolerant matching, in this order:
 *   1. a preamble line ("Continuing from where I left off:") and its blank line are dropped;
 *   2. inside an open code fence, a reopened fence line is dropped (one with an info string always;
 *      a bare one only when a restatement follows it, since otherwise it closes the block);
 *   3. a restatement of the end of T is dropped: the anchor; else the longest overlap between the
 *      end of T and the start of the reply, exact, when it is plausibly a repeat (`plausibleRepeat`);
 *      else the same ignoring case and whitespace, when it starts at the start of a line (a line
 *      restart) or at the anchor;
 *   4. anything else is taken as the exact continuation.
 *   The reply is held back only while these could still apply: while it could still become the
 *   anchor, a preamble, a fence line, or a repeat of text in the last `WINDOW` characters of T.
 * - Ambiguity is resolved towards showing a few repeated characters rather than deleting real text,
 *   and every guess (any tolerant alignment, every kept possible repeat, disagreeing whitespace) is
 *   reported through `takeNotes()`, which the router logs as a warning.
 *
 * Known failure cases (each logged when it happens):
 * - A backup that ignores the anchor and repeats a run of repetitive text (`0, 0, 0`, `====`) or a
 *   short mid-word fragment: the repeat is shown, because it cannot be told from genuine text.
 * - A backup that ignores the anchor and restates more than `WINDOW` characters: shown twice.
 * - A backup that ignores the anchor and starts its reply with a line break, then restates the
 *   line: shown twice (a reply that starts on a new line is taken as a genuine continuation).
 * - A non-compliant restart of a line that was cut inside its indentation: the shown part of the
 *   indentation appears twice (an exact continuation of the indentation looks the same).
 * - Whitespace the backup writes differently from what the user has (spaces where a tab was
 *   shown): the shown whitespace stays, and only extra line breaks or indentation are added.
 * - A genuine first line that reads like a preamble ("To continue:") when the backup ignores the
 *   anchor: it is dropped.
 * - A backup that reformats what it restates beyond case and whitespace: the restatement is shown.
 */
import { seamAnchor } from './continuation';
import {
  couldBeFenceLine, couldBePreamble, fenceLine, Folded, isPreamble, isRepetition, leadingSpace,
  longestSuffixPrefix, OpenFence, openFenceAt, plausibleRepeat, quote, seamWhitespace,
} from './seamText';

/** How the backup was asked to go on: see {@link SeamStitcher}. */
export type SeamForm = 'prefill' | 'instruction';

/** How much of the end of the partial a restatement may come from. */
const WINDOW = 8192;
/** The most text held back at the seam before deciding regardless. */
const HOLD_MAX = WINDOW + 1024;

interface Alignment {
  /** Where in the held text the continuation proper starts. */
  at: number;
  /** Whether a restatement of the partial was dropped. */
  restated: boolean;
  notes: string[];
}

/**
 * Stitches one backup attempt onto the partial answer: feed it the backup's text with `push`, then
 * call `end`; the concatenated results are what to append to the partial. Nothing already shown is
 * ever taken back. The design and its failure cases are described at the top of this module.
 */
export class SeamStitcher {
  private readonly shown: string;
  private readonly trailing: string;
  private readonly anchorBody: string;
  private readonly anchorStart: number;
  private readonly fence: OpenFence | undefined;
  private window: { text: string; folded: Folded; anchorStart: number } | undefined;
  private held = '';
  private resolved = false;
  private readonly notes: string[] = [];

  /**
   * @param partial the text already delivered to the user.
   * @param form how the backup was asked: a prefill continues exactly; an instruction was asked
   *   to repeat `seamAnchor(partial)` first.
   */
  constructor(partial: string, private readonly form: SeamForm) {
    this.shown = partial.trimEnd();
    this.trailing = partial.slice(this.shown.length);
    const anchor = form === 'instruction' ? seamAnchor(partial) : '';
    this.anchorBody = anchor.replace(/^[ \t]+/, '');
    this.anchorStart = this.shown.length - this.anchorBody.length;
    this.fence = form === 'instruction' ? openFenceAt(partial) : undefined;
  }

  /** Takes the next continuation text; returns what may be shown now (possibly nothing yet). */
  push(text: string): string {
    if (this.resolved) return text;
    this.held += text;
    return this.resolve(this.held.length > HOLD_MAX);
  }

  /** The continuation ended (or failed): decides on whatever is still held. */
  end(): string {
    return this.resolved ? '' : this.resolve(true);
  }

  /** What the stitcher guessed since the last call, one line each, for the log. */
  takeNotes(): string[] {
    return this.notes.splice(0);
  }

  private resolve(final: boolean): string {
    const alignment = this.form === 'prefill' ? { at: 0, restated: false, notes: [] } : this.align(final);
    if (!alignment) return '';
    const rest = this.held.slice(alignment.at);
    const space = leadingSpace(rest);
    if (space.length === rest.length && !final) return '';
    this.resolved = true;
    this.held = '';
    this.notes.push(...alignment.notes);
    const join = seamWhitespace(this.trailing, space);
    if (!join.exact) {
      this.notes.push(`seam: the backup put ${quote(space)} after the last shown character where the user has ${quote(this.trailing)}; kept the shown whitespace and added ${quote(join.text)}`);
    }
    return join.text + rest.slice(space.length);
  }

  /** Where the continuation starts in the held reply, or undefined while that cannot be known yet. */
  private align(final: boolean): Alignment | undefined {
    const held = this.held;
    const lead = horizontalSpace(held, 0);
    if (lead === held.length) return final ? { at: 0, restated: false, notes: [] } : undefined;
    if (isBreak(held[lead])) return { at: 0, restated: false, notes: [this.noAnchor('it began on a new line; taken as the exact continuation')] };
    if (held.startsWith(this.anchorBody, lead)) return { at: lead + this.anchorBody.length, restated: true, notes: [] };
    if (!final && this.anchorBody.startsWith(held.slice(lead))) return undefined;

    const notes: string[] = [];
    let pos = 0;
    const first = lineAt(held, lead);
    if (first.end < 0 && !final && couldBePreamble(first.text)) return undefined;
    if (isPreamble(first.text) && (first.end >= 0 || final)) {
      pos = first.end < 0 ? held.length : skipBlankLine(held, first.end);
      if (pos === held.length && !final) return undefined;
      notes.push(`seam: dropped the backup's preamble ${quote(first.text)}`);
    }

    if (this.fence) {
      const line = lineAt(held, pos);
      if (line.end < 0 && !final && couldBeFenceLine(line.text, this.fence)) return undefined;
      const reopened = line.end >= 0 ? fenceLine(line.text, this.fence) : undefined;
      if (reopened?.info) {
        pos = line.end;
        notes.push(`seam: dropped the backup's reopened code fence ${quote(line.text)}`);
      } else if (reopened) {
        const after = this.restatement(held, line.end, final);
        if (!after) return undefined;
        if (after.restated) return { ...after, notes: [...notes, `seam: dropped the backup's reopened code fence ${quote(line.text)}`, ...after.notes] };
      }
    }

    const restated = this.restatement(held, pos, final);
    return restated && { ...restated, notes: [...notes, ...restated.notes] };
  }

  /** A restatement of the end of the partial at `pos` in the held reply: the anchor, a repeat or a restarted line. */
  private restatement(held: string, pos: number, final: boolean): Alignment | undefined {
    const lead = horizontalSpace(held, pos);
    if (lead === held.length) return final ? { at: pos, restated: false, notes: [] } : undefined;
    if (isBreak(held[lead])) return { at: pos, restated: false, notes: [] };
    const body = held.slice(lead);
    if (body.startsWith(this.anchorBody)) return { at: lead + this.anchorBody.length, restated: true, notes: [] };
    if (!final && this.anchorBody.startsWith(body)) return undefined;

    const line = this.echoedLine(held, lead);
    if (line !== undefined && this.trailing.includes('\n')) {
      return { at: lead + line.length, restated: true, notes: [this.noAnchor(`it restated the last line, ${quote(line)}; dropped it`)] };
    }

    const window = this.searchWindow();
    const folded = new Folded(body);
    if (!final && window.folded.text.includes(folded.text)) return undefined;

    const indented = lead > pos;
    const exact = longestSuffixPrefix(window.text, body);
    if (exact >= 2 && indented && !atLineStart(window.text, window.text.length - exact)) {
      // Text after indentation restates a whole line, or it is new: " 0, 0" after "[0, 0," is new.
    } else if (exact >= 2) {
      if (plausibleRepeat(window.text, exact)) {
        return { at: lead + exact, restated: true, notes: [this.noAnchor(`it began with the last ${exact} characters of the answer, ${quote(body.slice(0, exact))}; dropped them`)] };
      }
      const why = isRepetition(body.slice(0, exact)) ? 'the text there is repetitive' : 'too short to tell';
      return { at: pos, restated: false, notes: [this.noAnchor(`it began with ${quote(body.slice(0, exact))}, which may repeat the end of the answer (${why}); kept it, so it may show twice`)] };
    }

    const matched = longestSuffixPrefix(window.folded.text, folded.text);
    if (matched >= 2) {
      const start = window.folded.at[window.folded.text.length - matched];
      if ((atLineStart(window.text, start) || start === window.anchorStart) && !isRepetition(folded.text.slice(0, matched))) {
        const last = folded.at[matched - 1];
        const end = last + (isHighSurrogate(body.charCodeAt(last)) ? 2 : 1);
        return { at: lead + end, restated: true, notes: [this.noAnchor(`it restated ${quote(body.slice(0, end))} (matched ignoring case and whitespace); dropped it`)] };
      }
    }
    if (line !== undefined) {
      return { at: pos, restated: false, notes: [this.noAnchor(`it began with ${quote(line)}, the last line again or its genuine continuation (too short to tell); kept it, so it may show twice`)] };
    }
    return { at: pos, restated: false, notes: [this.noAnchor('taken as the exact continuation')] };
  }

  /**
   * The reply's first line when it is the partial's last line again (ignoring case and whitespace).
   * When the user's partial ends with a line break, the backup (shown the partial without it) can
   * only have restated that line, however short or repetitive it is; otherwise the reply may also
   * genuinely continue the line ("}" then "}").
   */
  private echoedLine(held: string, lead: number): string | undefined {
    const end = held.indexOf('\n', lead);
    if (end < 0) return undefined;
    const line = held.slice(lead, end).trimEnd();
    const last = this.shown.slice(this.shown.lastIndexOf('\n') + 1).trimStart();
    return line === last || new Folded(line).text === new Folded(last).text ? line : undefined;
  }

  private searchWindow(): { text: string; folded: Folded; anchorStart: number } {
    if (!this.window) {
      const from = Math.max(0, this.shown.length - WINDOW);
      const text = this.shown.slice(from);
      this.window = { text, folded: new Folded(text), anchorStart: this.anchorStart - from };
    }
    return this.window;
  }

  private noAnchor(what: string): string {
    return `seam: the backup did not begin with the requested anchor ${quote(this.anchorBody)}: ${what}`;
  }
}

/** The index after the whitespace at `from` that stays on the same line. */
function horizontalSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && !isBreak(text[i]) && /\s/.test(text[i])) i++;
  return i;
}

/** Whether only indentation comes before `index` on its line. */
function atLineStart(text: string, index: number): boolean {
  return !/\S/.test(text.slice(text.lastIndexOf('\n', index - 1) + 1, index));
}

function isBreak(char: string): boolean {
  return char === '\n' || char === '\r';
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** The line that starts at `from`: its text, and the index after its line break (-1 while incomplete). */
function lineAt(text: string, from: number): { text: string; end: number } {
  const newline = text.indexOf('\n', from);
  return newline < 0 ? { text: text.slice(from), end: -1 } : { text: text.slice(from, newline).replace(/\r$/, ''), end: newline + 1 };
}

/** After a preamble line: skips one blank line that separates it from the continuation. */
function skipBlankLine(text: string, from: number): number {
  if (text.startsWith('\r\n', from)) return from + 2;
  return text[from] === '\n' ? from + 1 : from;
}
