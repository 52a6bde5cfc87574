import * as assert from 'node:assert/strict';
import { Router } from '../../src/core/router/router';
import type { ProviderName } from '../../src/core/settings/types';
import { continuationOf, continuer, failingAt } from '../support/continuer';
import { FaultServer } from '../support/faultServer';
import { pathFor } from '../support/models';
import { chainSettings, ChainModel, isRouterError, makeRouter, ofType, route } from '../support/routeHarness';
import { httpError, resetBeforeHeaders, silence, stream } from '../support/scripts';
import { answer, deltas, PROTOCOLS, WIRES } from '../support/wire';

/** The answer every scripted model gives; stitched output must equal it exactly. */
const FULL = [
  '# Résumé of the plan\n\n',
  'Baton keeps the answer going when a provider drops — even halfway through a word.\n\n',
  '1. Stream from the primary.\n2. Detect the failure: reset, stall or an in-band error.\n3. Hand the partial to the backup ✓\n\n',
  '```ts\nfunction stitch(partial: string, next: string): string {\n  return partial + next;\n}\n```\n\n',
  'Naïve joins repeat text; Baton trims the overlap so nothing is lost and nothing is doubled. 完成。\n',
].join('');
/** Inside a word: "…Detect the fai|lure". */
const CUT = FULL.indexOf('failure') + 3;

const ok = (protocol: ProviderName) => stream(answer(protocol, deltas(FULL, 9)), { headers: { 'content-type': WIRES[protocol].contentType } });

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
        assert.equal(ofType(result.events, 'fallback')[0].error.kind, 'timeout');
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

    it('fails with a clear error when no larger model is configured', async () => {
      server.on('/a', tooLong);
      server.on('/b', ok('openai'));
      const result = await route(setup([{ id: 'a', protocol: 'anthropic' }, { id: 'b', protocol: 'openai' }]).router);
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

  describe('seams', () => {
    it('a backup that rejects prefill is asked again by instruction, and the real failure stays the reason', async () => {
      server.on('/a', failingAt('openai', FULL, CUT, 'reset'));
      server.on('/b', continuer('anthropic', FULL, {
        rejectPrefill: { type: 'error', error: { type: 'invalid_request_error', message: 'This model does not support assistant message prefill. The conversation must end with a user message.' } },
      }));
      const result = await route(setup([{ id: 'a', protocol: 'openai' }, { id: 'b', protocol: 'anthropic' }]).router);
      assert.equal(result.error, undefined, result.error?.message);
      assert.equal(result.text, FULL);
      const forms = server.requests('/b').map((r) => continuationOf('anthropic', r.body).form);
      assert.deepEqual(forms, ['prefill', 'instruction']);
      const fallback = ofType(result.events, 'fallback')[0];
      assert.equal(fallback.error.kind, 'network', 'the reset is what the user sees');
      assert.match(ofType(result.events, 'warning')[0].message, /refused the prefill/);
    });

    it('the prefill never ends in whitespace', async () => {
      const cutAfterSpace = FULL.indexOf('halfway ') + 'halfway '.length;
      server.on('/a', failingAt('openai', FULL, cutAfterSpace, 'reset'));
      server.on('/b', continuer('anthropic', FULL));
      const result = await route(setup([{ id: 'a', protocol: 'openai' }, { id: 'b', protocol: 'anthropic' }]).router);
      assert.equal(result.text, FULL);
      const messages = server.requests('/b')[0].body.messages;
      assert.equal(messages[messages.length - 1].content, FULL.slice(0, cutAfterSpace).trimEnd());
    });

    for (const repeatTail of [5, 23, CUT]) {
      it(`a backup that repeats the last ${repeatTail} chars of the partial is trimmed`, async () => {
        server.on('/a', failingAt('gemini', FULL, CUT, 'reset'));
        server.on('/b', continuer('openai', FULL, { repeatTail }));
        const result = await route(setup([{ id: 'a', protocol: 'gemini' }, { id: 'b', protocol: 'openai' }]).router);
        assert.equal(result.text, FULL);
      });
    }

    it('the continuation instruction is a user turn and the system prompt is untouched', async () => {
      server.on('/a', failingAt('openai', FULL, CUT, 'reset'));
      server.on('/b', continuer('gemini', FULL));
      const result = await route(setup([{ id: 'a', protocol: 'openai' }, { id: 'b', protocol: 'gemini' }]).router, {
        system: 'Tu es un pirate.', messages: [{ role: 'user', content: 'Raconte une histoire' }],
      });
      assert.equal(result.text, FULL);
      const body = server.requests('/b')[0].body;
      assert.deepEqual(body.systemInstruction, { parts: [{ text: 'Tu es un pirate.' }] });
      const contents = body.contents;
      assert.equal(contents.length, 3);
      assert.equal(contents[1].role, 'model');
      assert.equal(contents[2].role, 'user');
    });

    it('a backup that fails mid-stream too is continued by the third model', async () => {
      const second = CUT + 150;
      server.on('/a', failingAt('openai', FULL, CUT, 'reset'));
      server.on('/b', (req, res) => {
        const { partial } = continuationOf('anthropic', req.body);
        const rest = FULL.slice(partial.length, second);
        return stream([...WIRES.anthropic.head(), ...deltas(rest, 7).map(WIRES.anthropic.delta), WIRES.anthropic.inbandError()])(req, res);
      });
      server.on('/c', continuer('ollama', FULL));
      const result = await route(setup([{ id: 'a', protocol: 'openai' }, { id: 'b', protocol: 'anthropic' }, { id: 'c', protocol: 'ollama' }]).router);
      assert.equal(result.error, undefined, result.error?.message);
      assert.equal(result.text, FULL);
      const fallbacks = ofType(result.events, 'fallback');
      assert.deepEqual(fallbacks.map((f) => [f.from, f.to, f.at]), [['a', 'b', CUT], ['b', 'c', second]]);
    });

    it('when the chain is exhausted the partial is kept and every step is told', async () => {
      server.on('/a', failingAt('openai', FULL, CUT, 'reset'));
      server.on('/b', httpError(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
      const result = await route(setup([{ id: 'a', protocol: 'openai' }, { id: 'b', protocol: 'anthropic' }]).router);
      assert.ok(isRouterError(result.error));
      assert.equal(result.error.partial, FULL.slice(0, CUT));
      assert.equal(result.text, FULL.slice(0, CUT));
      assert.match(result.error.message, new RegExp(`a: connection failed at ${CUT} chars`));
      assert.match(result.error.message, /b: overloaded/);
      assert.match(result.error.message, /incomplete/);
      assert.equal(ofType(result.events, 'done').length, 0);
      assert.equal(server.requests('/b').length, 3, 'the backup is retried before the first token, bounded');
    });

    it('the handover budget bounds the chain', async () => {
      server.on('/a', failingAt('openai', FULL, 50, 'reset'));
      server.on('/b', failingAt('openai', FULL.slice(0, 100), 100, 'reset'));
      server.on('/c', continuer('openai', FULL));
      const result = await route(setup([{ id: 'a', protocol: 'openai' }, { id: 'b', protocol: 'openai' }, { id: 'c', protocol: 'openai' }],
        { continuation: { maxHandovers: 1 } }).router);
      assert.equal(result.error?.kind, 'network');
      assert.match(result.error!.message, /maxHandovers/);
      assert.equal(server.requests('/c').length, 0);
    });

    it('mode "restart" starts the answer again on the backup', async () => {
      server.on('/a', failingAt('openai', FULL, CUT, 'reset'));
      server.on('/b', continuer('anthropic', FULL));
      const result = await route(setup([{ id: 'a', protocol: 'openai' }, { id: 'b', protocol: 'anthropic' }], { continuation: { mode: 'restart' } }).router);
      assert.equal(result.text, FULL);
      assert.equal(ofType(result.events, 'fallback')[0].form, 'restart');
      assert.equal(continuationOf('anthropic', server.requests('/b')[0].body).form, 'fresh');
    });

    it('mode "off" stops honestly with the partial', async () => {
      server.on('/a', failingAt('openai', FULL, CUT, 'reset'));
      server.on('/b', continuer('anthropic', FULL));
      const result = await route(setup([{ id: 'a', protocol: 'openai' }, { id: 'b', protocol: 'anthropic' }], { continuation: { mode: 'off' } }).router);
      assert.ok(isRouterError(result.error));
      assert.equal(result.error.partial, FULL.slice(0, CUT));
      assert.equal(server.requests('/b').length, 0);
    });

    it('usage is summed over every attempt, the partial included', async () => {
      server.on('/a', failingAt('anthropic', FULL, CUT, 'reset'));
      server.on('/b', continuer('openai', FULL));
      const result = await route(setup([{ id: 'a', protocol: 'anthropic' }, { id: 'b', protocol: 'openai' }]).router);
      const done = ofType(result.events, 'done')[0];
      assert.equal(done.usage.inputTokens, 11 + 11, 'input from message_start plus the backup');
      assert.equal(done.usage.outputTokens, Math.ceil(CUT / 4) + 7, 'estimated partial plus reported');
      assert.equal(done.usage.estimated, true);
    });
  });

  describe('health across requests', () => {
    it('a flapping primary is cooled down, probed after the cooldown, and gets traffic back', async () => {
      let healthy = false;
      server.on('/a', (req, res) => (healthy ? ok('openai') : httpError(503, { error: { message: 'down' } }))(req, res));
      server.on('/b', ok('anthropic'));
      const { router, clock } = setup([{ id: 'a', protocol: 'openai' }, { id: 'b', protocol: 'anthropic' }],
        { cooldown: { failureThreshold: 3, cooldownMs: 30_000 } });

      const first = await route(router);
      assert.equal(first.text, FULL);
      assert.equal(server.requests('/a').length, 3);

      const second = await route(router);
      assert.equal(second.text, FULL);
      assert.equal(server.requests('/a').length, 3, 'the open circuit sends requests straight to the backup');
      assert.match(ofType(second.events, 'skip')[0].reason, /cooling down/);

      healthy = true;
      clock.advance(30_001);
      const third = await route(router);
      assert.equal(third.text, FULL);
      assert.equal(ofType(third.events, 'attempt')[0].probe, true);
      assert.equal(ofType(third.events, 'done')[0].model, 'a');

      const fourth = await route(router);
      assert.equal(ofType(fourth.events, 'done')[0].model, 'a', 'traffic is back on the primary');
      assert.equal(ofType(fourth.events, 'attempt')[0].probe, false);
    });

    it('a failed probe cools the model down again without retries', async () => {
      server.on('/a', httpError(503, { error: { message: 'down' } }));
      server.on('/b', ok('anthropic'));
      const { router, clock } = setup([{ id: 'a', protocol: 'openai' }, { id: 'b', protocol: 'anthropic' }],
        { cooldown: { failureThreshold: 3, cooldownMs: 30_000 } });
      await route(router);
      clock.advance(30_001);
      const probe = await route(router);
      assert.equal(probe.text, FULL);
      assert.equal(server.requests('/a').length, 4, 'one probe, not three attempts');
      const after = await route(router);
      assert.equal(ofType(after.events, 'skip')[0].model, 'a');
    });

    it('when every model is cooling down, they are tried anyway', async () => {
      server.on('/a', httpError(503, { error: { message: 'down' } }), ok('openai'));
      const { router } = setup([{ id: 'a', protocol: 'openai' }], { cooldown: { failureThreshold: 1, cooldownMs: 60_000 } });
      const first = await route(router);
      assert.equal(first.text, FULL, 'retried within the request');
      server.on('/a', httpError(503, { error: { message: 'down' } }), httpError(503, { error: { message: 'down' } }), httpError(503, { error: { message: 'down' } }), ok('openai'));
      await route(router);
      const third = await route(router);
      assert.match(ofType(third.events, 'warning')[0].message, /cooling down; trying them anyway/);
    });
  });

  describe('cancellation', () => {
    it('cancel mid-stream closes the socket at once and starts no retry or fallback', async () => {
      const wire = WIRES.openai;
      server.on('/a', stream([...wire.head(), wire.delta('Once upon ')], { then: 'stall', keepAlive: { frame: wire.delta('a '), ms: 30 } }));
      server.on('/b', ok('anthropic'));
      const { router } = setup([{ id: 'a', protocol: 'openai' }, { id: 'b', protocol: 'anthropic' }]);
      const controller = new AbortController();
      const disconnected = server.waitForDisconnect();
      const events: string[] = [];
      let error: any;
      try {
        for await (const event of router.stream({ messages: [{ role: 'user', content: 'go' }] }, controller.signal)) {
          events.push(event.type);
          if (event.type === 'text') controller.abort();
        }
      } catch (thrown) {
        error = thrown;
      }
      assert.equal(error?.kind, 'aborted');
      await disconnected;
      assert.equal(server.requests('/b').length, 0);
      assert.ok(!events.includes('retry') && !events.includes('fallback'));
    });

    it('a consumer that stops iterating aborts the request', async () => {
      server.on('/a', stream([...WIRES.openai.head(), WIRES.openai.delta('Once ')], { then: 'stall' }));
      const { router } = setup([{ id: 'a', protocol: 'openai' }, { id: 'b', protocol: 'anthropic' }]);
      const disconnected = server.waitForDisconnect();
      for await (const event of router.stream({ messages: [{ role: 'user', content: 'go' }] })) {
        if (event.type === 'text') break;
      }
      await disconnected;
      assert.equal(server.requests('/b').length, 0);
    });

    it('cancel during a backoff sleep stops at once', async () => {
      server.on('/a', httpError(503, { error: { message: 'down' } }));
      const settings = chainSettings(server.url, [{ id: 'a', protocol: 'openai' }], { retry: { baseDelayMs: 5_000, maxDelayMs: 5_000, maxAttempts: 3, maxRetryAfterMs: 1 } });
      const realRouter = new Router({ settings: () => settings, resolveKey: () => undefined });
      const controller = new AbortController();
      const started = performance.now();
      setTimeout(() => controller.abort(), 100);
      const result = await route(realRouter, undefined, controller.signal);
      assert.equal(result.error?.kind, 'aborted');
      assert.ok(performance.now() - started < 1000);
    });
  });

  it('an unknown model id is a clear error', async () => {
    const { router } = setup([{ id: 'a', protocol: 'openai' }]);
    const result = await route(router, { model: 'nope', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(result.error?.kind, 'bad-request');
    assert.match(result.error!.message, /unknown model id "nope".*a/);
  });
});
