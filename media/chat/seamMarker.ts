import type { Seam } from '../../src/core/protocol/chat';
import { describeSeam } from '../../src/core/protocol/describe';
import { SEAM_CLASS } from './codeBlocks';
import { h, icon } from './dom';

/**
 * The small inline mark where a backup took over: an icon and both models, with the reason. It is
 * focusable, so keyboard and screen-reader users reach the full sentence too.
 */
export function seamMarker(seam: Seam): HTMLElement {
  const sentence = describeSeam(seam);
  return h('span', {
    class: SEAM_CLASS, role: 'note', tabindex: 0, 'aria-label': sentence,
    title: seam.detail ? `${sentence}\n${seam.detail}` : sentence,
  }, icon('arrow-swap'), h('span', { class: 'seam-text' }, sentence));
}
