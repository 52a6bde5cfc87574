import * as assert from 'node:assert/strict';
import { Router } from '../../src/core/router/router';
import { continuationOf, continuer, failingAt } from '../support/continuer';
import { FaultServer } from '../support/faultServer';
import { CUT, FULL, ok } from '../support/plan';
import { chainSettings, ChainModel, isRouterError, makeRouter, ofType, route } from '../support/routeHarness';
import { httpError, stream } from '../support/scripts';
import { deltas, WIRES } from '../support/wire';

describe('router: seams, health across requests, cancellation', () => {
  let server: FaultServer;
  beforeEach(async () => {
    server = await FaultServer.start();
  });
  afterEach(() => server.close());

  const setup = (models: ChainModel[], extra: Record<string, unknown> = {}) => makeRouter(chainSettings(server.url, models, extra));

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
        { cooldown: { failureThreshold: 1, cooldownMs: 30_000 } });

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
        { cooldown: { failureThreshold: 1, cooldownMs: 30_000 } });
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

});
