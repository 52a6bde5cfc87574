/**
 * The answer as the user has it, across handovers. Kept as the pieces it arrived in and joined only
 * when a handover or an error reads it: appending each piece to one string instead cost a
 * 967k-character answer some 50 to 100 M more instructions (1 to 2 % of the run) in bench/cli.ts.
 */
export class Answer {
  private pieces: string[] = [];
  /** In UTF-16 code units, like `text.length`. */
  length = 0;

  append(text: string): void {
    this.pieces.push(text);
    this.length += text.length;
  }

  get text(): string {
    if (this.pieces.length > 1) this.pieces = [this.pieces.join('')];
    return this.pieces[0] ?? '';
  }

  /** The next model starts the answer again. */
  clear(): void {
    this.pieces = [];
    this.length = 0;
  }
}
