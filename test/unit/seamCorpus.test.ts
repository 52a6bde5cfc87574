import * as assert from 'node:assert/strict';
import type { ProviderName } from '../../src/core/settings/types';
import { failingAt } from '../support/continuer';
import { FaultServer } from '../support/faultServer';
import { chainSettings, makeRouter, ofType, route } from '../support/routeHarness';
import { behavingBackup, BEHAVIOURS, corpus, CUT_CLASSES, SEAM_TIMEOUTS } from '../support/seamCorpus';

/**
 * Every corpus answer × every class of cut × every backup behaviour, through the real fault server:
 * an OpenAI-compatible primary handing over to an Anthropic backup, and the reverse, each backup in
 * the form the behaviour needs. The final text must equal the answer byte for byte.
 */
const DIRECTIONS: [ProviderName, ProviderName][] = [['openai', 'anthropic'], ['anthropic', 'openai']];

/**
 * Cases that cannot be told apart from genuine text without the anchor, so the stitcher keeps the
 * possible repeat (and logs it) rather than risk deleting real text. For these the test accepts
 * the answer with the repeat inserted at the seam, nothing lost, and a warning that says so.
 */
const AMBIGUOUS = new Map<string, string>([
  ['json | right after a line that is only closers | restarts the current line', 'a one-character line "}" restated, or a genuine "}}"'],
  ['json | right after a line that is only closers | reopens the code fence and restarts the line', 'the same "}" line, after a reopened fence'],
  ['markdown | inside repetitive data | restarts the current line', 'a "=====" underline restated, or continued'],
  ['python | inside repetitive data | repeats the last 12 characters first', 'twelve "=" repeated, or twelve more'],
  ['json | right before a closer | repeats the last 12 characters first', '"0, 0, 0, 1]": short text without letters'],
  ['json | right after a closer | repeats the last 12 characters first', '"0, 0, 0, 1]": short text without letters'],
  ['json | inside repetitive data | repeats the last 12 characters first', '"0, 0, 0, 0,": short text without letters'],
  ['typescript | right after a line that is only closers | repeats the last 12 characters first', '"});" lines: short text without letters'],
  ['typescript | right before a closing fence | repeats the last 12 characters first', '"});" lines: short text without letters'],
]);

describe('seam corpus: every answer, cut and backup behaviour, across protocols', () => {
  let server: FaultServer;
  let cases = 0;
  let exact = 0;
  let kept = 0;
  // One server for all cases (each case has its own paths): starting one per case costs more than the case.
  before(async () => {
    server = await FaultServer.start();
  });
  after(() => server.close());
  after(() => console.log(`      seam corpus: ${exact} of ${cases} cases exact; ${kept} kept a possible repeat and logged it`));

  for (const { name: doc, text: full } of corpus()) {
    for (const cut of CUT_CLASSES) {
      const at = cut.find(full);
      if (at === undefined) continue;
      const shown = full.slice(0, at).trimEnd();
      for (const behaviour of BEHAVIOURS) {
        if (behaviour.applies && !behaviour.applies({ full, shown, anchor: '' })) continue;
        const label = `${doc} | ${cut.name} | ${behaviour.name}`;
        for (const [primary, backup] of DIRECTIONS) {
          const index = cases++;
          it(`${label} | ${primary} → ${backup}`, async () => {
            server.on(`/a${index}/`, failingAt(primary, full, at, index % 2 ? 'inband' : 'reset'));
            server.on(`/b${index}/`, behavingBackup(backup, full, behaviour, { deltaSize: 1 + (index % 9), chunkBytes: index % 3 === 0 ? 7 : undefined }));
            const { router } = makeRouter(chainSettings(server.url, [
              { id: `a${index}`, protocol: primary },
              { id: `b${index}`, protocol: backup, prefill: behaviour.form === 'prefill' },
            ], { timeouts: SEAM_TIMEOUTS }));
            const result = await route(router);
            assert.equal(result.error, undefined, result.error?.message);
            assert.equal(ofType(result.events, 'fallback')[0]?.at, at, 'the primary broke where planned');
            const where = `cut at ${at}: ${JSON.stringify(full.slice(Math.max(0, at - 30), at))} | ${JSON.stringify(full.slice(at, at + 30))}`;
            if (result.text !== full && AMBIGUOUS.has(label)) {
              const partial = full.slice(0, at);
              assert.ok(result.text.startsWith(partial) && result.text.endsWith(full.slice(at)) && result.text.length > full.length, `nothing is lost (${where})`);
              assert.ok(ofType(result.events, 'warning').some((w) => /may show twice/.test(w.message)), 'the kept repeat is logged');
              kept++;
              return;
            }
            assert.equal(result.text, full, where);
            exact++;
          });
        }
      }
    }
  }
});
