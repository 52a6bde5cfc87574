import type { Seam } from './chat';

/** "gpt-4.1 dropped at 1,204 chars: connection reset → continued by claude-sonnet" */
export function describeSeam(seam: Seam): string {
  const how = seam.form === 'restart' ? 'restarted by' : 'continued by';
  return `${seam.from} dropped at ${seam.at.toLocaleString('en-US')} chars: ${seam.reason} → ${how} ${seam.to}`;
}
