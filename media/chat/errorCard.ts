import type { ErrorCard } from '../../src/core/protocol/chat';
import { h, icon, textButton } from './dom';

/**
 * What failed, step by step, under a partial answer that stays visible. Retry (on the last answer)
 * asks the question again; Open Settings (and Set API Key, for an auth failure) help fix the cause.
 */
export function errorCardView(card: ErrorCard, partialChars: number, last: boolean): HTMLElement {
  const steps = card.steps.length
    ? h('ol', { class: 'error-steps' }, ...card.steps.map((step) => h('li', {}, h('strong', {}, step.model), ` ${step.what}`)))
    : undefined;
  const partial = partialChars > 0
    ? h('p', { class: 'error-partial' }, `The answer above is incomplete: it stops after ${partialChars.toLocaleString('en-US')} characters.`)
    : undefined;
  return h('div', { class: 'error-card', role: 'alert' },
    h('div', { class: 'error-title' }, icon('error'), h('span', {}, card.headline)),
    steps, partial,
    h('div', { class: 'error-actions' },
      last ? textButton('refresh', 'Retry', { 'data-action': 'retry', class: 'text-button primary' }) : undefined,
      card.kind === 'auth' ? textButton('key', 'Set API Key', { 'data-action': 'setApiKey' }) : undefined,
      textButton('gear', 'Open Settings', { 'data-action': 'openSettings' })));
}
