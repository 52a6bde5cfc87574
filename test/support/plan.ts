import type { ProviderName } from '../../src/core/settings/types';
import { stream } from './scripts';
import { answer, deltas, WIRES } from './wire';

/** The answer every scripted model gives; stitched output must equal it exactly. */
export const FULL = [
  '# Résumé of the plan\n\n',
  'Baton keeps the answer going when a provider drops — even halfway through a word.\n\n',
  '1. Stream from the primary.\n2. Detect the failure: reset, stall or an in-band error.\n3. Hand the partial to the backup ✓\n\n',
  '```ts\nfunction stitch(partial: string, next: string): string {\n  return partial + next;\n}\n```\n\n',
  'Naïve joins repeat text; Baton trims the overlap so nothing is lost and nothing is doubled. 完成。\n',
].join('');
/** Inside a word: "…Detect the fai|lure". */
export const CUT = FULL.indexOf('failure') + 3;

export const ok = (protocol: ProviderName) => stream(answer(protocol, deltas(FULL, 9)), { headers: { 'content-type': WIRES[protocol].contentType } });
