/**
 * Turns a model's reply to an edit request into the replacement code. Models asked for "code only"
 * still wrap it in a Markdown fence, put a line of chatter in front ("Here is the updated code:")
 * and an explanation after it. This strips those shapes and nothing else.
 *
 * It is a pure function of the whole reply so far, re-run as text streams in: a guess about the
 * first lines can be revised when more text shows what they were. While streaming (`final` false)
 * it holds back only what could still turn out to be a fence or chatter: the first line until it
 * is complete, and a trailing partial line that so far is only backticks or tildes.
 */
export interface CleanOptions {
  /** The reply is complete: decide on everything held back. */
  final: boolean;
  /**
   * Offsets in the reply where a backup model took over. A backup asked to continue sometimes
   * restates the opening fence or a preamble; such a line right after a seam is dropped.
   */
  seams?: readonly number[];
  /** In Markdown, fences inside the reply are content, not wrapping. */
  languageId?: string;
}

interface Line {
  /** The line without its line break. */
  text: string;
  start: number;
  /** Whether the line is complete (a line break follows). */
  complete: boolean;
}

interface Fence {
  char: '`' | '~';
  length: number;
}

/** A fence line: three or more backticks or tildes, then an optional info string ("ts", "python title=x"). */
const FENCE = /^\s*(`{3,}|~{3,})\s*([^`\s][^`]*)?$/;
/** What a partial line looks like while it could still become a bare fence. */
const MAYBE_FENCE = /^[ \t]*(`*|~*)[ \t]*$/;
/** ...or a fence with an info string, near the top of a reply. */
const MAYBE_OPENER = /^[ \t]*(`+|~+)[^\s`]*$/;

/** How many non-blank lines may precede a fence and still be taken as chatter around it. */
const CHATTER_LINES = 3;

/**
 * Leading words of the lines models put before code: "Sure!", "Here is the updated function:",
 * "Certainly. Below is...", "I've added error handling:". A line counts only when it also reads
 * as prose (see {@link isChatter}).
 */
const CHATTER_START = /^(?:sure|certainly|of course|okay|ok|alright|absolutely|got it|done|great|here(?:'s|’s| is| are)|below (?:is|are)|the (?:following|updated|modified|refactored|revised|rewritten|corrected|fixed|new|edited|complete)\b|i(?:'ve|’ve| have|'ll|’ll| will| added| changed| updated| replaced| refactored| rewrote)\b|this (?:is|version|code|updated|change)\b|let me\b|updated code\b|replacement\b)/i;

export function cleanReply(reply: string, options: CleanOptions): string {
  const dropped = seamLines(reply, options.seams ?? [], options.final);
  const lines = splitLines(reply).filter((line) => !dropped.has(line.start));
  const markdown = options.languageId === 'markdown' || options.languageId === 'mdx';
  return new Scanner(lines, options.final, markdown).run();
}

class Scanner {
  private out: string[] = [];
  /** Lines held in the start state: blank lines, and one line ending in ":" that may be chatter. */
  private held: string[] = [];
  private heldMaybeChatter = false;
  private state: 'start' | 'plain' | 'fenced' | 'closed' = 'start';
  private fence: Fence = { char: '`', length: 3 };
  private depth = 0;
  /** Non-blank lines emitted in the plain state: a fence soon after them means they were chatter. */
  private plainLines = 0;

  constructor(private readonly lines: Line[], private readonly final: boolean, private readonly markdown: boolean) {}

  run(): string {
    for (const line of this.lines) {
      if (line.complete || this.final) this.take(line.text, line.complete);
      else this.takePartial(line.text);
      if (this.state === 'closed') break;
    }
    if (this.final && this.state === 'start' && this.heldMaybeChatter) this.flushHeld();
    return this.out.join('');
  }

  private take(text: string, complete: boolean): void {
    const eol = complete ? '\n' : '';
    const fence = FENCE.exec(text);
    switch (this.state) {
      case 'start': {
        if (text.trim() === '') {
          if (this.heldMaybeChatter) this.held.push(text + eol);
          return;
        }
        if (fence) {
          this.open(fence);
          return;
        }
        if (isChatter(text)) {
          this.held = [];
          this.heldMaybeChatter = false;
          return;
        }
        if (text.trimEnd().endsWith(':') && !this.heldMaybeChatter && complete) {
          this.held = [text + eol];
          this.heldMaybeChatter = true;
          return;
        }
        this.flushHeld();
        this.state = 'plain';
        this.take(text, complete);
        return;
      }
      case 'plain':
        if (fence && !this.markdown) {
          if (!fence[2]) {
            this.state = 'closed';
            return;
          }
          if (this.plainLines <= CHATTER_LINES) {
            // What came before was prose we did not recognise; the code is inside this fence.
            this.out = [];
            this.open(fence);
            return;
          }
        }
        if (text.trim()) this.plainLines++;
        this.out.push(text + eol);
        return;
      case 'fenced':
        if (fence && fence[1][0] === this.fence.char) {
          // A fence with an info string opens a block inside the code (Markdown); a bare one closes it.
          if (fence[2]) this.depth++;
          else if (this.depth > 0) this.depth--;
          else if (fence[1].length >= this.fence.length) {
            this.state = 'closed';
            return;
          }
        }
        this.out.push(text + eol);
        return;
      case 'closed':
        return;
    }
  }

  /** A line still streaming: emit it unless it could still become a fence or chatter. */
  private takePartial(text: string): void {
    switch (this.state) {
      case 'start':
        return;
      case 'plain':
        if (MAYBE_FENCE.test(text)) return;
        if (!this.markdown && this.plainLines <= CHATTER_LINES && MAYBE_OPENER.test(text)) return;
        this.out.push(text);
        return;
      case 'fenced':
        if (MAYBE_FENCE.test(text)) return;
        this.out.push(text);
        return;
      case 'closed':
        return;
    }
  }

  private open(fence: RegExpExecArray): void {
    this.held = [];
    this.heldMaybeChatter = false;
    this.state = 'fenced';
    this.fence = { char: fence[1][0] as Fence['char'], length: fence[1].length };
    this.depth = 0;
  }

  private flushHeld(): void {
    // Blank lines before the code are dropped; a held line turned out to be code after all.
    const firstCode = this.held.findIndex((line) => line.trim() !== '');
    if (firstCode >= 0) this.out.push(...this.held.slice(firstCode));
    if (firstCode >= 0) this.plainLines++;
    this.held = [];
    this.heldMaybeChatter = false;
  }
}

/**
 * Chatter is prose, not code: it starts like chatter, and either ends like a sentence or a lead-in
 * (":", ".", "!") or has none of the characters code lines are made of.
 */
export function isChatter(line: string): boolean {
  const text = line.trim();
  if (!CHATTER_START.test(text)) return false;
  if (/[:.!]$/.test(text) && !/[;{}]|=>|\)\s*\{/.test(text)) return true;
  return !/[;{}=()[\]<>]/.test(text);
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (;;) {
    const newline = text.indexOf('\n', start);
    if (newline < 0) {
      if (start < text.length) lines.push({ text: text.slice(start), start, complete: false });
      return lines;
    }
    const end = newline > start && text[newline - 1] === '\r' ? newline - 1 : newline;
    lines.push({ text: text.slice(start, end), start, complete: true });
    start = newline + 1;
  }
}

/**
 * Starts of the lines to drop after seams: when a seam falls at the start of a line, the first
 * non-blank line after it is dropped if it is a fence with an info string ("```ts") or chatter,
 * and held back while it is incomplete. A bare fence there is kept: it is most likely the closing
 * fence the first model never got to send.
 */
function seamLines(reply: string, seams: readonly number[], final: boolean): Set<number> {
  const dropped = new Set<number>();
  for (const seam of seams) {
    const lineStart = reply.lastIndexOf('\n', seam - 1) + 1;
    if (reply.slice(lineStart, seam).trim() !== '') continue;
    let at = lineStart;
    while (at < reply.length) {
      const newline = reply.indexOf('\n', at);
      const text = reply.slice(at, newline < 0 ? reply.length : newline).replace(/\r$/, '');
      if (text.trim() === '' && newline >= 0) {
        at = newline + 1;
        continue;
      }
      const fence = FENCE.exec(text);
      const decided = newline >= 0 || final;
      if (!decided || (fence && fence[2]) || isChatter(text)) dropped.add(at);
      break;
    }
  }
  return dropped;
}
