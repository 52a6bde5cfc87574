/**
 * Joins a backup model's continuation onto the partial answer the user already has, byte for byte.
 *
 * Design: make the seam knowable instead of guessing it.
 * - Both continuation forms show the backup the partial without its trailing whitespace (call the
 *   shown text T and the trimmed whitespace W; the user has T + W). Whatever the backup writes
 *   therefore follows T's last visible character, and its leading whitespace is aligned on W: the
 *   user's W is authoritative, only what the backup adds to it is emitted (see `seamWhitespace`).
 * - Prefill: a prefilled model continues T exactly. Nothing is ever trimmed; only W is restored.
 * - Instruction: the backup is asked to begin by repeating an anchor verbatim (the end of T from
 *   the start of a line, long enough and unlike the rows above it to be unique; see `seamAnchor`).
 *   When its reply starts with the anchor, the continuation is what follows it: a deterministic
 *   cut. Only when the backup does not comply does the stitcher fall back to tolerant matching:
 *   1. a preamble line ("Continuing from where I left off:") and its blank line are dropped;
 *   2. inside an open code fence, a reopened fence line is dropped (one with an info string always;
 *      a bare one only when a restatement follows it, since otherwise it closes the block);
 *   3. a restatement of the end of T is dropped: the longest overlap between the end of T and the
 *      start of the reply when it is plausibly a repeat (`plausibleRepeat`: whole words, not
 *      repetitive, not short text without letters); or T's last line restarted (`lineRestart`),
 *      also ignoring case and whitespace; or the same ignoring case and whitespace from a line
 *      start or from the anchor;
 *   4. anything else is taken as the exact continuation.
 *   The reply is held back only while these could still apply: while it could still become the
 *   anchor, a preamble, a fence line, or a repeat of text in the last `WINDOW` characters of T.
 * - Ambiguity is resolved towards showing a few repeated characters rather than deleting real text,
 *   and every guess (any tolerant alignment, every kept possible repeat, disagreeing whitespace) is
 *   reported through `takeNotes()`, which the router logs as a warning.
 *
 * Known failure cases when the backup ignores the anchor (each logged when it happens):
 * - It repeats repetitive text (`0, 0, 0`, `====`, rows equal to the row above), fewer than 12
 *   characters of text without letters (`});`, `1]`), a short mid-word fragment, or a one-character
 *   line whose line break the user does not have yet (`}`): the repeat is shown, since it reads the
 *   same as genuine text.
 * - It restates several lines where the last line restarted and continued like the lines above it
 *   reads the same (`- item two` then `- it`): the shorter reading wins, and a line may show twice.
 * - It restates more than `WINDOW` characters, or starts its reply with a line break and then
 *   restates: shown twice (a reply that starts on a new line is taken as a genuine continuation).
 * - It drops the line break the user already has and writes a line equal to the last one: taken
 *   as a restated line and dropped, unless the line above is the same too.
 * - It writes whitespace differently from what the user has (spaces where a tab was shown): the
 *   shown whitespace stays, and only extra line breaks or indentation are added.
 * - Its genuine first line reads like a preamble (aside-like prose about continuing, ending in a
 *   colon): it is dropped. It reformats what it restates beyond case and whitespace: shown twice.
 * - In text that repeats what came before, its reply may be held back until it differs from the
 *   last `WINDOW` characters, at most `HOLD_MAX` characters.
 */
import { ANCHOR_CLOSE, ANCHOR_OPEN, seamAnchor, weakAnchor } from './continuation';
import {
  couldBeFenceLine, couldBePreamble, fenceLine, fold, Folded, hasLetters, isPreamble, isRepetition, leadingSpace,
  longestSuffixPrefix, OpenFence, openFenceAt, plausibleRepeat, quote, repeatedBefore, seamWhitespace, startsLine,
} from './seamText';

/** How the backup was asked to go on: see {@link SeamStitcher}. */
export type SeamForm = 'prefill' | 'instruction';

/** How much of the end of the partial a restatement may come from. */
const WINDOW = 2048;
/** A restarted line matched ignoring case and whitespace counts when it has this many visible characters. */
const TOLERANT_LINE = 8;
/** The most text held back at the seam before deciding regardless. */
const HOLD_MAX = WINDOW + 256;

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
  /** Whether a reply that starts with the anchor can only be the backup repeating it (see `weakAnchor`). */
  private readonly anchorSure: boolean;
  private readonly anchorStart: number;
  private readonly fence: OpenFence | undefined;
  private window: { text: string; folded: Folded; anchorStart: number } | undefined;
  private held = '';
  /** The folded reply being compared with the end of the partial, while it might restate it. */
  private cursor: { from: number; upTo: number; text: string; found: number } | undefined;
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
    this.anchorSure = !weakAnchor(anchor);
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
    if (this.anchorSure && held.startsWith(this.anchorBody, lead)) return { at: lead + this.anchorBody.length, restated: true, notes: [] };
    if (!final && this.anchorBody.startsWith(held.slice(lead))) return undefined;

    const notes: string[] = [];
    let pos = 0;
    const tagged = this.taggedAnchor(held, lead, final);
    if (tagged === 'hold') return undefined;
    if (typeof tagged === 'object') return tagged;
    if (tagged !== undefined) {
      pos = tagged;
      notes.push(`seam: dropped the ${ANCHOR_OPEN} tag the backup copied`);
    }
    // A preamble opens the reply; text after a space is the answer going on.
    const first = lead === 0 && pos === 0 ? lineAt(held, 0) : { text: '', end: -1 };
    if (first.end < 0 && !final && first.text && couldBePreamble(first.text)) return undefined;
    if (first.text && isPreamble(first.text) && (first.end >= 0 || final)) {
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

  /**
   * Some models copy the tags around the anchor as well. A reply that opens with the tag and then
   * the anchor is as certain as the anchor alone (more: the tag cannot be genuine text), so the
   * cut goes after the anchor and its closing tag. When the anchor inside does not match, the
   * position after the tag is returned, for tolerant matching from there.
   */
  private taggedAnchor(held: string, lead: number, final: boolean): Alignment | number | 'hold' | undefined {
    if (!held.startsWith(ANCHOR_OPEN, lead)) return !final && ANCHOR_OPEN.startsWith(held.slice(lead)) ? 'hold' : undefined;
    const start = horizontalSpace(held, lead + ANCHOR_OPEN.length);
    if (held.startsWith(this.anchorBody, start)) {
      let end = start + this.anchorBody.length;
      const rest = held.slice(end);
      if (rest.startsWith(ANCHOR_CLOSE)) end += ANCHOR_CLOSE.length;
      else if (!final && ANCHOR_CLOSE.startsWith(rest)) return 'hold';
      return { at: end, restated: true, notes: [] };
    }
    if (!final && this.anchorBody.startsWith(held.slice(start))) return 'hold';
    return lead + ANCHOR_OPEN.length;
  }

  /** A restatement of the end of the partial at `pos` in the held reply: the anchor, a repeat or a restarted line. */
  private restatement(held: string, pos: number, final: boolean): Alignment | undefined {
    const lead = horizontalSpace(held, pos);
    if (lead === held.length) return final ? { at: pos, restated: false, notes: [] } : undefined;
    if (isBreak(held[lead])) return { at: pos, restated: false, notes: [] };
    const body = held.slice(lead);
    if (this.anchorSure && body.startsWith(this.anchorBody)) return { at: lead + this.anchorBody.length, restated: true, notes: [] };
    if (!final && this.anchorBody.startsWith(body)) return undefined;

    if (!final && this.mayBeRestating(held, lead)) return undefined;
    const window = this.searchWindow();
    const folded = new Folded(body);

    const kept = (what: string, why: string): Alignment =>
      ({ at: pos, restated: false, notes: [this.noAnchor(`it began with ${quote(what)}, which may repeat the end of the answer (${why}); kept it, so it may show twice`)] });
    const restart = this.lineRestart(held, lead, lead > pos, folded, final);
    let exact = longestSuffixPrefix(window.text, body);
    // After indentation, only a whole line is restated: " 0, 0" after "[0, 0," is new text.
    if (lead > pos && !startsLine(window.text, window.text.length - exact)) exact = 0;
    if (exact >= 2 && exact > (restart?.length ?? 0)) {
      if (plausibleRepeat(window.text, exact) && restart) {
        // The reply also reads as the last line restarted and continued like the lines before it
        // (rows of data): dropping the longer repeat could delete a genuine row, so drop less.
        const what = restart.sure ? 'the restarted last line' : 'nothing';
        return { at: restart.sure ? restart.end : pos, restated: restart.sure, notes: [this.noAnchor(`it began with ${quote(body.slice(0, exact))}, either the last ${exact} characters again or the last line restarted and continued like the lines before it; dropped ${what}, so text may show twice`)] };
      }
      if (plausibleRepeat(window.text, exact)) {
        return { at: lead + exact, restated: true, notes: [this.noAnchor(`it began with the last ${exact} characters of the answer, ${quote(body.slice(0, exact))}; dropped them`)] };
      }
      return kept(body.slice(0, exact), isRepetition(body.slice(0, exact)) || repeatedBefore(window.text, exact) ? 'the text there is repetitive' : 'too short to tell');
    }
    if (exact === 1 && !restart) return kept(body.slice(0, 1), 'too short to tell');
    if (restart) {
      if (restart.sure) return { at: restart.end, restated: true, notes: [this.noAnchor(`it restarted the last line, ${quote(held.slice(lead, restart.end))}${restart.why}; dropped that`)] };
      return kept(held.slice(lead, restart.end), restart.why);
    }

    const matched = longestSuffixPrefix(window.folded.text, folded.text);
    if (matched >= 2) {
      const start = window.folded.at[window.folded.text.length - matched];
      const region = folded.text.slice(0, matched);
      if ((startsLine(window.text, start) || start === window.anchorStart) && !isRepetition(region) && hasLetters(region)) {
        const last = folded.at[matched - 1];
        const end = last + (isHighSurrogate(body.charCodeAt(last)) ? 2 : 1);
        return { at: lead + end, restated: true, notes: [this.noAnchor(`it restated ${quote(body.slice(0, end))} (matched ignoring case and whitespace); dropped it`)] };
      }
    }
    return { at: pos, restated: false, notes: [this.noAnchor('taken as the exact continuation')] };
  }

  /**
   * Whether the reply at `lead` starts with the partial's whole last line again (ignoring case and
   * whitespace), and how sure that is a restart rather than genuine text. It is sure when the user
   * already has the line break after that line (the backup, shown the partial without it, can only
   * have written the line again) or when the backup indented it (genuine text would not put
   * indentation mid-line); otherwise only when the line is long enough and not repetitive. Never
   * when the line before is the same line: then a repeat is as likely as a genuine next line.
   */
  private lineRestart(held: string, lead: number, indented: boolean, folded: Folded, final: boolean): { end: number; length: number; sure: boolean; why: string } | undefined {
    const line = this.shown.slice(this.shown.lastIndexOf('\n') + 1).trimStart();
    const target = new Folded(line).text;
    if (!target || !folded.text.startsWith(target)) return undefined;
    const last = lead + folded.at[target.length - 1];
    const end = last + (isHighSurrogate(held.charCodeAt(last)) ? 2 : 1);
    const length = end - lead;
    if (repeatedBefore(this.shown, line.length)) return { end, length, sure: false, why: 'the line before is the same' };
    const after = /^[^\S\n]*(\n|$)/.exec(held.slice(end));
    const lineEnds = after !== null && (after[1] === '\n' || final);
    // The user has the line break after that line, so the line was whole: text that goes on along it is no restart.
    if (this.trailing.includes('\n') && !lineEnds) return undefined;
    const how = held.startsWith(line, lead) ? '' : ' (matched ignoring case and whitespace)';
    if (this.trailing.includes('\n') || indented) return { end, length, sure: true, why: how };
    // Written again exactly, two letters are enough; re-typed with other case or spacing, a few words.
    if ((how ? target.length >= TOLERANT_LINE : line.length >= 2) && !isRepetition(line) && hasLetters(line)) return { end, length, sure: true, why: how };
    return { end, length, sure: false, why: isRepetition(line) || !hasLetters(line) ? 'the text there is repetitive' : 'too short to tell' };
  }

  /**
   * Whether the reply from `lead` on (folded) still occurs in the end of the partial, so that it
   * may yet turn out to restate it. Incremental: each call folds and compares only the new text,
   * keeping the first place it occurs; the next occurrence can only be later.
   */
  private mayBeRestating(held: string, lead: number): boolean {
    let cursor = this.cursor;
    if (!cursor || cursor.from !== lead) cursor = this.cursor = { from: lead, upTo: lead, text: '', found: 0 };
    if (cursor.found >= 0 && held.length > cursor.upTo) {
      const window = this.searchWindow().folded.text;
      const added = fold(held.slice(cursor.upTo));
      const at = cursor.found + cursor.text.length;
      cursor.text += added;
      cursor.upTo = held.length;
      if (!window.startsWith(added, at)) cursor.found = window.indexOf(cursor.text, cursor.found + 1);
    }
    return cursor.found >= 0 && cursor.text.length > 0;
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
