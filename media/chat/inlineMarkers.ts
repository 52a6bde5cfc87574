import type { TokensList } from 'marked';
import { decorateCodeBlocks, SEAM_CLASS } from './codeBlocks';
import { h } from './dom';
import { lex, renderTokens } from './markdown';
import { sanitize } from './sanitize';
import { sentinelIndex } from './seamPlacement';

/** Something Baton shows inside the answer text at a character offset (a seam marker). */
export interface InlineMarker {
  offset: number;
  create(): HTMLElement;
}

/** Stands in for a marker inside the markdown source. Random per page load, so output cannot forge it. */
const SENTINEL = `§${Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => String.fromCharCode(97 + (b % 26))).join('')}§`;

/**
 * Sanitized nodes for a block's markdown with markers in it; `at` gives each marker's position in
 * `raw`. Each marker's sentinel goes into the source (where {@link sentinelIndex} says it cannot
 * change the rendering), and after sanitizing, the sentinel in the text is swapped for the marker
 * element. A marker that finds no safe place, or whose sentinel did not come out as text, stands
 * before the block instead.
 */
export function renderWithMarkers(raw: string, markers: { at: number; marker: InlineMarker }[], links: TokensList['links']): Node[] {
  const before: HTMLElement[] = [];
  const placed: { index: number; marker: InlineMarker }[] = [];
  for (const { at, marker } of markers) {
    const index = sentinelIndex(raw, at);
    if (index === undefined) before.push(marker.create());
    else placed.push({ index, marker });
  }
  placed.sort((a, b) => a.index - b.index);
  let source = raw;
  for (const { index } of [...placed].reverse()) source = source.slice(0, index) + SENTINEL + source.slice(index);
  const tokens = lex(source);
  const fragment = sanitize(renderTokens(tokens, { ...links, ...tokens.links }));
  before.push(...replaceSentinels(fragment, placed.map((p) => p.marker.create())));
  decorateCodeBlocks(fragment);
  return [...before.map(markerLine), ...fragment.childNodes];
}

/**
 * Swaps each sentinel in the fragment's text for the next marker. Returns the markers that found no
 * sentinel in text (one that landed in an attribute, say), after wiping any such leftovers.
 */
function replaceSentinels(fragment: DocumentFragment, markers: HTMLElement[]): HTMLElement[] {
  const queue = [...markers];
  const walker = document.createTreeWalker(fragment, NodeFilter.SHOW_TEXT);
  const hits: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.nodeValue?.includes(SENTINEL)) hits.push(node as Text);
  }
  for (const hit of hits) {
    let node: Text = hit;
    for (let at = node.data.indexOf(SENTINEL); at >= 0; at = node.data.indexOf(SENTINEL)) {
      const rest = node.splitText(at);
      rest.data = rest.data.slice(SENTINEL.length);
      const marker = queue.shift();
      if (marker) rest.before(marker);
      node = rest;
    }
  }
  for (const element of fragment.querySelectorAll('*')) {
    for (const attribute of [...element.attributes]) {
      if (attribute.value.includes(SENTINEL)) element.setAttribute(attribute.name, attribute.value.split(SENTINEL).join(''));
    }
  }
  return queue;
}

/** A marker that stands between blocks rather than inside text. */
export function markerLine(marker: HTMLElement): HTMLElement {
  return h('div', { class: `${SEAM_CLASS}-line` }, marker);
}

