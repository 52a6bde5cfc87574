import { decorateCodeBlocks } from './codeBlocks';
import { sanitize } from './sanitize';

/** A piece of an answer on its way to the DOM: rendered HTML not yet sanitized, or finished nodes. */
export type Part = string | Node[];

function nodesOf(root: DocumentFragment | Element): Node[] {
  decorateCodeBlocks(root);
  return [...root.childNodes];
}

/**
 * Sanitizes several HTML parts in one DOMPurify pass (each part wrapped in a div, so they come
 * apart again), gives their code blocks toolbars, and returns each part's nodes in order. Parts
 * that are nodes already pass through. Should the wrappers not come back one per part, each part
 * is sanitized on its own instead.
 */
export function materialize(parts: Part[]): Node[][] {
  const html = parts.filter((p): p is string => typeof p === 'string');
  let sanitized: Node[][];
  if (html.length <= 1) sanitized = html.map((p) => nodesOf(sanitize(p)));
  else {
    const wrappers = [...sanitize(html.map((p) => `<div>${p}</div>`).join('')).childNodes];
    sanitized = wrappers.length === html.length && wrappers.every((w) => w.nodeName === 'DIV')
      ? wrappers.map((w) => nodesOf(w as Element))
      : html.map((p) => nodesOf(sanitize(p)));
  }
  let next = 0;
  return parts.map((p) => (typeof p === 'string' ? sanitized[next++] : p));
}
