import * as assert from 'node:assert/strict';
import type { ProviderName } from '../../src/core/settings/types';
import { continuer, failingAt } from '../support/continuer';
import { FaultServer } from '../support/faultServer';
import { pathFor } from '../support/models';
import { chainSettings, ChainModel, makeRouter, ofType, route } from '../support/routeHarness';
import { httpError, resetBeforeHeaders, silence, stream } from '../support/scripts';
import { answer, deltas, PROTOCOLS, WIRES } from '../support/wire';
import { CUT, FULL, ok } from '../support/plan';

describe('router', () => {
  let server: FaultServer;
  beforeEach(async () => {
    server = await FaultServer.start();
  });
  afterEach(() => server.close());

  const chain = (...models: ChainModel[]) => models;
  const setup = (models: ChainModel[], extra: Record<string, unknown> = {}) => makeRouter(chainSettings(server.url, models, extra));

  describe('mid-stream continuation across every pair of protocols', () => {
    for (const primary of PROTOCOLS) {
      for (const backup of PROTOCOLS) {
        it(`${primary} resets at ${CUT} chars → ${backup} continues`, async () => {
          server.on(pathFor(primary, '/a'), failingAt(primary, FULL, CUT, 'reset'));
          server.on(pathFor(backup, '/b'), continuer(backup, FULL));
          const { router } = setup(chain({ id: 'a', protocol: primary }, { id: 'b', protocol: backup }));
          const result = await route(router);
          assert.equal(result.error, undefined, result.error?.message);
          assert.equal(result.text, FULL);
          const [fallback] = ofType(result.events, 'fallback');
          assert.equal(fallback.phase, 'mid-stream');
          assert.equal(fallback.at, CUT);
          assert.equal(fallback.error.kind, 'network');
          assert.equal(fallback.form, backup === 'anthropic' || backup === 'ollama' ? 'prefill' : 'instruction');
          const done = ofType(result.events, 'done')[0];
          assert.equal(done.model, 'b');
          assert.equal(done.handovers, 1);
          assert.equal(server.requests('/a').length, 1, 'a mid-stream failure is not retried on the same model');
          assert.equal(server.requests('/b').length, 1);
        });
      }
    }
  });

  for (const protocol of PROTOCOLS) {
    describe(`${protocol} primary`, () => {
      const primary: ChainModel = { id: 'a', protocol };
      const backupProtocol: ProviderName = protocol === 'anthropic' ? 'openai' : 'anthropic';
      const backup: ChainModel = { id: 'b', protocol: backupProtocol };
      const onPrimary = (...scripts: Parameters<FaultServer['on']>[1][]) => server.on(pathFor(protocol, '/a'), ...scripts);
      const onBackup = (...scripts: Parameters<FaultServer['on']>[1][]) => server.on(pathFor(backupProtocol, '/b'), ...scripts);

      it('429 with Retry-After waits exactly that long, then succeeds on the same model', async () => {
        onPrimary(httpError(429, { error: { message: 'Rate limit reached', type: 'rate_limit_error' } }, { 'retry-after': '7' }), ok(protocol));
        const { router, clock } = setup(chain(primary, backup));
        const result = await route(router);
        assert.equal(result.text, FULL);
        assert.deepEqual(clock.sleeps, [7000]);
        assert.equal(ofType(result.events, 'retry')[0].error.kind, 'rate-limit');
        assert.equal(ofType(result.events, 'fallback').length, 0);
      });

      it('429 with retry-after-ms is honoured to the millisecond', async () => {
        onPrimary(httpError(429, { error: { message: 'slow down' } }, { 'retry-after-ms': '1234' }), ok(protocol));
        const { router, clock } = setup(chain(primary, backup));
        const result = await route(router);
        assert.equal(result.text, FULL);
        assert.deepEqual(clock.sleeps, [1234]);
      });

      it('429 without Retry-After backs off exponentially, bounded, then falls back', async () => {
        onPrimary(httpError(429, { error: { message: 'Rate limit reached' } }));
        onBackup(ok(backupProtocol));
        const { router, clock } = setup(chain(primary, backup));
        const result = await route(router);
        assert.equal(result.text, FULL);
        assert.deepEqual(clock.sleeps, [75, 150], 'equal jitter at random 0.5: 3/4 of 100 then 200');
        assert.equal(server.requests('/a').length, 3, 'bounded attempts');
        assert.equal(ofType(result.events, 'fallback')[0].phase, 'before-first-token');
      });

      it('a Retry-After longer than the cap falls back at once instead of waiting', async () => {
        onPrimary(httpError(429, { error: { message: 'quota' } }, { 'retry-after': '3600' }));
        onBackup(ok(backupProtocol));
        const { router, clock } = setup(chain(primary, backup));
        const result = await route(router);
        assert.equal(result.text, FULL);
        assert.deepEqual(clock.sleeps, []);
        assert.equal(server.requests('/a').length, 1);
      });

      it('a 500 once is retried quietly', async () => {
        onPrimary(httpError(500, { error: { message: 'The server had an error', type: 'server_error' } }), ok(protocol));
        const { router } = setup(chain(primary, backup));
        const result = await route(router);
        assert.equal(result.text, FULL);
        assert.equal(ofType(result.events, 'retry').length, 1);
        assert.equal(ofType(result.events, 'fallback').length, 0);
      });

      it('a persistent 503 is retried a bounded number of times, then the backup answers', async () => {
        onPrimary(httpError(503, { error: { message: 'The engine is currently overloaded' } }));
        onBackup(ok(backupProtocol));
        const { router } = setup(chain(primary, backup));
        const result = await route(router);
        assert.equal(result.text, FULL);
        assert.equal(server.requests('/a').length, 3);
        assert.equal(ofType(result.events, 'fallback')[0].error.kind, 'overloaded');
      });

      it('a reset before headers is retried', async () => {
        onPrimary(resetBeforeHeaders(), ok(protocol));
        const { router } = setup(chain(primary, backup));
        const result = await route(router);
        assert.equal(result.text, FULL);
        assert.equal(ofType(result.events, 'retry')[0].error.kind, 'network');
      });

      it('no response at all: the first-token timeout moves on and the silent model is not retried', async () => {
        onPrimary(silence());
        onBackup(ok(backupProtocol));
        const { router } = setup(chain(primary, backup));
        const result = await route(router);
        assert.equal(result.text, FULL);
        assert.equal(server.requests('/a').length, 1);
        const [fallback] = ofType(result.events, 'fallback');
        assert.equal(fallback.error.kind, 'timeout');
        assert.match(fallback.error.message, /no first token/);
        assert.ok(result.elapsedMs < 2000, `took ${result.elapsedMs} ms`);
        assert.equal(server.disconnects, 1, 'the silent request was closed');
      });

      it('a slow first token (headers, keep-alives, no text) is treated as silence', async () => {
        const wire = WIRES[protocol];
        onPrimary(stream(wire.head(), { then: 'stall', keepAlive: { frame: wire.keepAlive(), ms: 50 }, headers: { 'content-type': wire.contentType } }));
        onBackup(ok(backupProtocol));
        const { router } = setup(chain(primary, backup));
        const result = await route(router);
        assert.equal(result.text, FULL);
        const [fallback] = ofType(result.events, 'fallback');
        assert.equal(fallback.error.kind, 'timeout');
        assert.match(fallback.error.message, /no first token/, 'lifecycle events and keep-alives are not the first token');
        assert.equal(server.requests('/a').length, 1);
      });

      it('a cut mid-answer is continued by the backup', async () => {
        onPrimary(failingAt(protocol, FULL, CUT, 'cut'));
        onBackup(continuer(backupProtocol, FULL));
        const result = await route(setup(chain(primary, backup)).router);
        assert.equal(result.error, undefined, result.error?.message);
        assert.equal(result.text, FULL);
      });

      it('a stall with the socket held open and keep-alives flowing is detected by the idle timer', async () => {
        const wire = WIRES[protocol];
        onPrimary(failingAt(protocol, FULL, CUT, 'stall', { keepAlive: { frame: wire.keepAlive(), ms: 40 } }));
        onBackup(continuer(backupProtocol, FULL));
        const result = await route(setup(chain(primary, backup)).router);
        assert.equal(result.text, FULL);
        const [fallback] = ofType(result.events, 'fallback');
        assert.equal(fallback.error.kind, 'timeout');
        assert.match(fallback.error.message, /stalled/);
        assert.equal(fallback.at, CUT);
        assert.ok(result.elapsedMs < 3000, `took ${result.elapsedMs} ms`);
      });

      it('an in-band error mid-answer is continued by the backup', async () => {
        onPrimary(failingAt(protocol, FULL, CUT, 'inband'));
        onBackup(continuer(backupProtocol, FULL));
        const result = await route(setup(chain(primary, backup)).router);
        assert.equal(result.text, FULL);
        assert.ok(['server', 'overloaded'].includes(ofType(result.events, 'fallback')[0].error.kind));
      });

      it('a malformed tail with no terminator is truncation, and the backup finishes', async () => {
        onPrimary(failingAt(protocol, FULL, CUT, 'malformed-tail'));
        onBackup(continuer(backupProtocol, FULL));
        const result = await route(setup(chain(primary, backup)).router);
        assert.equal(result.text, FULL);
        assert.equal(ofType(result.events, 'fallback')[0].error.kind, 'truncated');
        assert.equal(ofType(result.events, 'warning').length, 1);
      });

      it('a missing terminator is truncation, and the backup finishes', async () => {
        onPrimary(failingAt(protocol, FULL, CUT, 'truncated'));
        onBackup(continuer(backupProtocol, FULL));
        const result = await route(setup(chain(primary, backup)).router);
        assert.equal(result.text, FULL);
        assert.equal(ofType(result.events, 'fallback')[0].error.kind, 'truncated');
      });

      it('a malformed frame in the middle is skipped with a warning and the primary finishes', async () => {
        const wire = WIRES[protocol];
        const frames = answer(protocol, deltas(FULL, 9));
        frames.splice(5, 0, wire.malformed());
        onPrimary(stream(frames, { headers: { 'content-type': wire.contentType } }));
        const result = await route(setup(chain(primary, backup)).router);
        assert.equal(result.text, FULL);
        assert.equal(ofType(result.events, 'done')[0].model, 'a');
        assert.equal(ofType(result.events, 'warning').length, 1);
      });

      it('401 skips to the next model at once', async () => {
        onPrimary(httpError(401, { error: { message: 'invalid x-api-key', type: 'authentication_error' } }));
        onBackup(ok(backupProtocol));
        const result = await route(setup(chain(primary, backup)).router);
        assert.equal(result.text, FULL);
        assert.equal(server.requests('/a').length, 1);
        assert.equal(ofType(result.events, 'fallback')[0].error.kind, 'auth');
      });
    });
  }

  it('empty role-only deltas during a stall do not reset the idle timer', async () => {
    const emptyDelta = `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] })}\n\n`;
    server.on('/a', failingAt('openai', FULL, CUT, 'stall', { keepAlive: { frame: emptyDelta, ms: 40 } }));
    server.on('/b', continuer('anthropic', FULL));
    const result = await route(setup([{ id: 'a', protocol: 'openai' }, { id: 'b', protocol: 'anthropic' }]).router);
    assert.equal(result.text, FULL);
    assert.match(ofType(result.events, 'fallback')[0].error.message, /stalled/);
  });

  describe('context window', () => {
    const tooLong = httpError(400, { type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: 210000 tokens > 200000 maximum' } });

    it('goes straight to a larger-context fallback, skipping smaller ones', async () => {
      server.on('/a', tooLong);
      server.on('/b', ok('openai'));
      server.on('/c', ok('gemini'));
      const result = await route(setup([
        { id: 'a', protocol: 'anthropic', contextWindow: 200_000 },
        { id: 'b', protocol: 'openai', contextWindow: 128_000 },
        { id: 'c', protocol: 'gemini', contextWindow: 1_000_000 },
      ]).router);
      assert.equal(result.text, FULL);
      assert.equal(server.requests('/a').length, 1, 'not retried');
      assert.equal(server.requests('/b').length, 0, 'smaller window skipped');
      assert.deepEqual(ofType(result.events, 'skip').map((e) => e.model), ['b']);
      assert.equal(ofType(result.events, 'done')[0].model, 'c');
    });

    it('fails with a clear error when every fallback is known to be smaller', async () => {
      server.on('/a', tooLong);
      server.on('/b', ok('openai'));
      const result = await route(setup([{ id: 'a', protocol: 'anthropic', contextWindow: 200_000 }, { id: 'b', protocol: 'openai', contextWindow: 128_000 }]).router);
      assert.equal(result.error?.kind, 'context-window');
      assert.match(result.error!.message, /larger contextWindow/);
      assert.equal(server.requests('/b').length, 0);
    });
  });

  describe('content policy', () => {
    const refusal = httpError(400, { error: { message: 'Your request was rejected as a result of our safety system.', type: 'invalid_request_error', code: 'content_policy_violation' } });

    it("surfaces the provider's reason and does not fall over by default", async () => {
      server.on('/a', refusal);
      server.on('/b', ok('anthropic'));
      const result = await route(setup([{ id: 'a', protocol: 'openai' }, { id: 'b', protocol: 'anthropic' }]).router);
      assert.equal(result.error?.kind, 'content-policy');
      assert.match(result.error!.message, /safety system/);
      assert.equal(server.requests('/b').length, 0);
      assert.equal(server.requests('/a').length, 1);
    });

    it('falls over when baton.fallbackOnRefusal is set', async () => {
      server.on('/a', refusal);
      server.on('/b', ok('anthropic'));
      const result = await route(setup([{ id: 'a', protocol: 'openai' }, { id: 'b', protocol: 'anthropic' }], { fallbackOnRefusal: true }).router);
      assert.equal(result.text, FULL);
    });
  });

  it('an unknown model id is a clear error', async () => {
    const { router } = setup([{ id: 'a', protocol: 'openai' }]);
    const result = await route(router, { model: 'nope', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(result.error?.kind, 'bad-request');
    assert.match(result.error!.message, /unknown model id "nope".*a/);
  });
});
