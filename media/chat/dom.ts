/** Small helpers for building the panel's DOM without HTML strings. */

type Child = Node | string | false | null | undefined;
type Attributes = Record<string, string | number | boolean | undefined>;

/**
 * Creates an element. Attribute values of `false` or `undefined` are left out; `true` sets an
 * empty attribute. Children that are strings become text nodes, never HTML.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

/** A codicon glyph (decorative: hidden from screen readers). */
export function icon(name: string): HTMLElement {
  return h('span', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });
}

/** An icon button with a tooltip that is also its accessible name. */
export function iconButton(name: string, label: string, attributes: Attributes = {}): HTMLButtonElement {
  return h('button', { type: 'button', class: 'icon-button', title: label, 'aria-label': label, ...attributes }, icon(name));
}

/** A button with an icon and a visible label. */
export function textButton(name: string, label: string, attributes: Attributes = {}): HTMLButtonElement {
  return h('button', { type: 'button', class: 'text-button', ...attributes }, icon(name), h('span', {}, label));
}

/** "1,204" */
export const count = (n: number) => n.toLocaleString('en-US');
