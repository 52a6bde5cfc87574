import type { Token } from 'marked';

/** A top-level markdown block and where its source sits in the whole text. */
export interface Block {
  token: Token;
  start: number;
  end: number;
}

/** Places lexed top-level tokens in the text, starting at offset `from`. */
export function toBlocks(tokens: Token[], from: number): Block[] {
  let offset = from;
  return tokens.map((token) => {
    const block = { token, start: offset, end: offset + token.raw.length };
    offset = block.end;
    return block;
  });
}

/**
 * The index of the block still being written: the last one that is not blank space. Every block
 * before it is complete, since markdown never reaches back past a block that has been followed by
 * another (a paragraph a later line turns into a heading, a list a later item extends, a table a
 * later row grows, a fence not yet closed: each of these is still the last block).
 */
export function openBlock(blocks: Block[]): number {
  for (let i = blocks.length - 1; i >= 0; i--) if (blocks[i].token.type !== 'space') return i;
  return 0;
}
