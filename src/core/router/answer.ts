/** Bytes per UTF-16 code unit. */
const UNIT = 2;
const FIRST_CAPACITY = 16 * 1024;

/**
 * The answer as the user has it, across handovers; read only when a handover or an error needs it.
 *
 * It is kept outside the JavaScript heap, as its UTF-16 code units in a buffer that doubles as it
 * fills. UTF-16, not UTF-8, because a delta may end in half of a surrogate pair, and the answer must
 * come back exactly as it arrived. Off the heap because the collector copies every young string
 * that survives, and a long answer kept as strings pushes the heap into a full mark-compact: in
 * bench/cli.ts (a 967k-character answer) every run that kept strings had one, and under callgrind
 * it cost some 47 M instructions (about 1 % of the run); with this buffer, none had one.
 */
export class Answer {
  private buffer?: Buffer;
  /** In UTF-16 code units, like `text.length`. */
  length = 0;

  append(text: string): void {
    const end = (this.length + text.length) * UNIT;
    if (!this.buffer || end > this.buffer.length) this.grow(end);
    this.buffer!.write(text, this.length * UNIT, 'utf16le');
    this.length += text.length;
  }

  get text(): string {
    return this.buffer ? this.buffer.toString('utf16le', 0, this.length * UNIT) : '';
  }

  /** The next model starts the answer again. */
  clear(): void {
    this.buffer = undefined;
    this.length = 0;
  }

  private grow(needed: number): void {
    let capacity = this.buffer?.length ?? FIRST_CAPACITY;
    while (capacity < needed) capacity *= 2;
    const grown = Buffer.allocUnsafe(capacity);
    this.buffer?.copy(grown, 0, 0, this.length * UNIT);
    this.buffer = grown;
  }
}
