import { h } from './dom';

/**
 * Screen-reader announcements through two live regions: polite for answers and progress,
 * assertive for failures. Streaming text is not announced token by token; the whole answer is,
 * once it is complete.
 */
export class Announcer {
  readonly element: HTMLElement;
  private readonly polite = h('div', { class: 'sr-only', 'aria-live': 'polite', 'aria-atomic': 'true', 'data-live': 'polite' });
  private readonly assertive = h('div', { class: 'sr-only', 'aria-live': 'assertive', 'aria-atomic': 'true', 'data-live': 'assertive' });

  constructor() {
    this.element = h('div', {}, this.polite, this.assertive);
  }

  announce(text: string, urgent = false): void {
    const region = urgent ? this.assertive : this.polite;
    // Clearing first makes a repeated message count as a change.
    region.textContent = '';
    requestAnimationFrame(() => {
      region.textContent = text.length > 20_000 ? `${text.slice(0, 20_000)}…` : text;
    });
  }
}
