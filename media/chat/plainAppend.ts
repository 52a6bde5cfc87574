import type { Block } from './blocks';

// The fast path for text arriving at the end of the block being written, when a render would only
// add the same characters: it goes into the DOM as a text node, with no markdown parse.

/** See {@link appendableAfter}. `dropped`: whitespace the last render trimmed, to put back first. */
export interface Appendable {
  from: number;
  kind: 'prose' | 'code';
  at: number;
  dropped: string;
}

/**
 * Text that, appended to an open paragraph or list, cannot change its structure: no newline and no
 * character markdown gives a meaning inline (emphasis, code, links, autolinks, entities, HTML,
 * escapes, tables). Such text can go straight into the DOM, as a re-render would put it.
 */
const PLAIN = /^[^\n\r*_`~[\]()<>!&\\|#:@]*$/;
/**
 * A line that more text can turn into a block of its own: a list item (`-`, `+`, `*`, `2.`, `2)`),
 * a heading underline (`=`, `-`). "small.\n2" renders as one paragraph, "small.\n2. The" as a
 * paragraph and a list, so text on such a line always waits for a render.
 */
const BLOCK_START = /^\s*(?:[-+*=]|\d{1,9}[.)])/;
/** An open fenced code block: its opening fence, and no closing one yet (the lexer ends it at the text's end). */
const OPEN_FENCE = /^ {0,3}(`{3,}|~{3,})[^\n]*\n(?![\s\S]*\n {0,3}\1[`~]*[ \t]*\n?$)/;
/** While a code block streams, its new lines appear at once and are coloured within this time. */
export const CODE_RECOLOUR_MS = 300;

/**
 * Whether plain text may later be appended to this open block without a render: a paragraph or
 * list whose text does not end in whitespace (the renderer trims it), or an open fenced code block,
 * whose trimmed trailing whitespace is remembered and put back first.
 */
export function appendableAfter(block: Block, open: string): Appendable | undefined {
  const { token } = block;
  const at = performance.now();
  if (token.type === 'paragraph' || token.type === 'list') return /\s$/.test(open) ? undefined : { from: open.length, kind: 'prose', at, dropped: '' };
  if (token.type !== 'code' || !OPEN_FENCE.test(token.raw)) return undefined;
  const content = token.raw.slice(token.raw.indexOf('\n') + 1);
  const text: string = token.text;
  return content.startsWith(text) && /^\s*$/.test(content.slice(text.length))
    ? { from: open.length, kind: 'code', at, dropped: content.slice(text.length) }
    : undefined;
}

/** Whether `added`, arriving after the last render, can go straight in (see {@link appendableAfter}). */
export function isPlainAppend(appendable: Appendable, open: string, added: string): boolean {
  if (appendable.kind === 'code') {
    // Inside an open fence everything is literal but a closing fence; colours catch up regularly.
    return !/[`~]/.test(added) && performance.now() - appendable.at < CODE_RECOLOUR_MS;
  }
  // The word being written must not be turning into an autolink or an entity across deltas.
  const word = `${/\S*$/.exec(open.slice(Math.max(0, appendable.from - 200), appendable.from))?.[0]}${/^\S*/.exec(added)?.[0]}`;
  // A render trims the end of the open block, so text ending in whitespace waits for one.
  return PLAIN.test(added) && !/\s$/.test(added) && !BLOCK_START.test(/[^\n]*$/.exec(open)![0]) && !/[@:/&\\]|www/i.test(word);
}
