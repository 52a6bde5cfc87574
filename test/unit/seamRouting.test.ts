import * as assert from 'node:assert/strict';
import { anchorInstruction, seamAnchor } from '../../src/core/router/continuation';
import { continuationOf, continuer, failingAt, turns } from '../support/continuer';
import { FaultServer } from '../support/faultServer';
import { chainSettings, makeRouter, ofType, route } from '../support/routeHarness';
import { SEAM_TIMEOUTS } from '../support/seamCorpus';
import { stream } from '../support/scripts';
import { answer, deltas, WIRES } from '../support/wire';

/** The seam as the router runs it: what the backup is sent, and what the log is told. */
describe('seam through the router', () => {
  let server: FaultServer;
  beforeEach(async () => {
    server = await FaultServer.start();
  });
  afterEach(() => server.close());

  const FULL = 'Steps:\n\n```python\ndef total(xs):\n    s = 0\n    for x in xs:\n        s += x\n    return s\n```\n\nDone.\n';
  const CUT = FULL.indexOf('    for') + 2;
  const setup = (prefill: boolean) => makeRouter(chainSettings(server.url, [
    { id: 'a', protocol: 'anthropic' },
    { id: 'b', protocol: 'openai', prefill },
  ], { timeouts: SEAM_TIMEOUTS })).router;

  it('asks the backup by instruction for the anchor, after the configured prompt, showing the partial without trailing whitespace', async () => {
    server.on('/a', failingAt('anthropic', FULL, CUT, 'reset'));
    server.on('/b', continuer('openai', FULL));
    const result = await route(setup(false));
    assert.equal(result.text, FULL);
    const all = turns('openai', server.requests('/b')[0].body);
    const partial = FULL.slice(0, CUT);
    assert.equal(all[1].text, partial.trimEnd());
    assert.ok(all[2].text.endsWith(`\n\n${anchorInstruction(seamAnchor(partial))}`), all[2].text);
    assert.match(all[2].text, /^Your previous reply was cut off\./);
    assert.equal(continuationOf('openai', server.requests('/b')[0].body).anchor, 'def total(xs):\n    s = 0', 'whole lines, enough of them to be distinctive');
    assert.deepEqual(ofType(result.events, 'warning'), [], 'a backup that repeats the anchor leaves nothing to guess');
  });

  it('logs how it aligned a backup that ignored the anchor, naming the backup', async () => {
    server.on('/a', failingAt('anthropic', FULL, CUT, 'reset'));
    server.on('/b', continuer('openai', FULL, { ignoreAnchor: true }));
    const result = await route(setup(false));
    assert.equal(result.text, FULL);
    const warnings = ofType(result.events, 'warning');
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0].model, 'b');
    assert.match(warnings[0].message, /did not begin with the requested anchor "def total\(xs\):\\n {4}s = 0": it began on a new line; taken as the exact continuation/);
  });

  it('logs whitespace a prefilled backup wrote differently from what the user has, and keeps the user\'s', async () => {
    const tabbed = 'all:\n\t@echo one\n\t@echo two\n';
    const cut = tabbed.indexOf('\t@echo two') + 1;
    server.on('/a', failingAt('anthropic', tabbed, cut, 'reset'));
    server.on('/b', (req, res) => stream(answer('openai', deltas('\n    @echo two\n', 3)), { headers: { 'content-type': WIRES.openai.contentType } })(req, res));
    const result = await route(setup(true));
    assert.equal(result.text, tabbed);
    assert.match(ofType(result.events, 'warning')[0].message, /kept the shown whitespace/);
  });
});
