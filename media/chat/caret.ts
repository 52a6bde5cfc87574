const CARET_HOSTS = new Set(['P', 'LI', 'UL', 'OL', 'BLOCKQUOTE', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'TABLE', 'TBODY', 'THEAD', 'TR', 'TD', 'TH', 'DIV', 'PRE']);

/** The last child that is not whitespace between blocks. */
function lastMeaningful(element: Element): Node | null {
  let node = element.lastChild;
  while (node && node.nodeType === Node.TEXT_NODE && !node.nodeValue?.trim()) node = node.previousSibling;
  return node;
}

/**
 * Puts the streaming caret at the end of the last text the tail shows: inside the last block, but
 * never inside an inline element (the text goes on after it), except a code block's code.
 */
export function placeCaret(tail: HTMLElement, caret: HTMLElement): void {
  let host: Element = tail;
  for (;;) {
    const last = lastMeaningful(host);
    if (!(last instanceof Element) || last.classList.contains('code-header')) break;
    if (!(CARET_HOSTS.has(last.tagName) || (last.tagName === 'CODE' && host.tagName === 'PRE'))) break;
    host = last;
  }
  host.append(caret);
}
