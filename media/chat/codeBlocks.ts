import { h, iconButton } from './dom';

/** Marks elements that Baton made; sanitized model output can never carry these classes. */
export const SEAM_CLASS = 'baton-seam';
const CODE_BLOCK_CLASS = 'baton-code';

/**
 * Gives every code block in freshly rendered (and sanitized) markdown a header with its language
 * and the Copy, Insert at Cursor and Apply to Selection buttons. The buttons carry only an action
 * name; the click handler reads the code from the block itself.
 */
export function decorateCodeBlocks(root: DocumentFragment | Element): void {
  for (const pre of root.querySelectorAll('pre')) {
    if (pre.parentElement?.classList.contains(CODE_BLOCK_CLASS)) continue;
    const lang = /\blanguage-([\w+#.-]+)/.exec(pre.querySelector('code')?.className ?? '')?.[1] ?? '';
    const header = h('div', { class: 'code-header' },
      h('span', { class: 'code-lang' }, lang || 'text'),
      h('span', { class: 'code-actions' },
        iconButton('copy', 'Copy', { 'data-action': 'copy' }),
        iconButton('insert', 'Insert at Cursor', { 'data-action': 'insert' }),
        iconButton('replace', 'Apply to Selection', { 'data-action': 'apply' })));
    const block = h('div', { class: CODE_BLOCK_CLASS });
    pre.replaceWith(block);
    block.append(header, pre);
  }
}

/** The code of the block a toolbar button belongs to, without any seam marker's label. */
export function codeOfButton(button: Element): string | undefined {
  const code = button.closest(`.${CODE_BLOCK_CLASS}`)?.querySelector('pre code');
  return code ? textWithoutMarkers(code) : undefined;
}

/** An element's text, leaving out the labels of seam markers inside it. */
export function textWithoutMarkers(root: Node): string {
  let out = '';
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement?.closest(`.${SEAM_CLASS}`)) out += node.nodeValue ?? '';
  }
  return out;
}
