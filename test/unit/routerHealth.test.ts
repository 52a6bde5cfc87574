import * as assert from 'node:assert/strict';
import { FaultServer, Script } from '../support/faultServer';
import { gate, until } from '../support/gate';
import { FULL, ok } from '../support/plan';
import { chainSettings, ChainModel, makeRouter, ofType, route } from '../support/routeHarness';
import { httpError, stream } from '../support/scripts';
import { WIRES } from '../support/wire';

const down = () => httpError(503, { error: { message: 'The engine is currently overloaded', type: 'server_error' } });
/** A script that waits for `opened` before playing `then`. */
const held = (opened: Promise<void>, then: Script): Script => async (req, res) => {
  await opened;
  return then(req, res);
};

describe('router: health across requests', () => {
  let server: FaultServer;
  beforeEach(async () => {
    server = await FaultServer.start();
  });
  afterEach(() => server.close());

  const pair: ChainModel[] = [{ id: 'a', protocol: 'openai' }, { id: 'b', protocol: 'anthropic' }];
  const setup = (extra: Record<string, unknown> = {}) => makeRouter(chainSettings(server.url, pair, extra));
  /** One failed request opens the circuit; one attempt per model keeps the counts readable. */
  const strict = { cooldown: { failureThreshold: 1, cooldownMs: 30_000 }, retry: { maxAttempts: 1, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 30_000 } };
  /** For requests held open while the test moves the clock past a cooldown: their own timers must not fire. */
  const patient = { ...strict, timeouts: { headersMs: 3_600_000, firstTokenMs: 3_600_000, idleMs: 3_600_000, totalMs: 7_200_000 } };

  describe('abandoned probes', () => {
    for (const how of ['stops iterating', 'throws'] as const) {
      it(`a probe whose consumer ${how} is released, so the model is probed again rather than shut out`, async () => {
        server.on('/a', down(), stream([...WIRES.openai.head(), WIRES.openai.delta('Once ')], { then: 'stall' }), ok('openai'));
        server.on('/b', ok('anthropic'));
        const { router, clock } = setup(strict);
        await route(router);
        clock.advance(30_001);

        const abandoned = new Error('the consumer gave up');
        try {
          for await (const event of router.stream({ messages: [{ role: 'user', content: 'go' }] })) {
            if (event.type === 'attempt') assert.equal(event.probe, true, 'this request is the probe');
            if (event.type !== 'text') continue;
            if (how === 'throws') throw abandoned;
            break;
          }
        } catch (error) {
          if (error !== abandoned) throw error;
        }

        const next = await route(router);
        assert.deepEqual(ofType(next.events, 'skip'), [], 'not skipped as cooling');
        const [attempt] = ofType(next.events, 'attempt');
        assert.deepEqual([attempt.model, attempt.probe], ['a', true]);
        assert.equal(ofType(next.events, 'done')[0].model, 'a');
      });
    }
  });

  describe('the circuit', () => {
    it('counts failed requests, not attempts: one unlucky request does not cool the model down for everyone', async () => {
      server.on('/a', down());
      server.on('/b', ok('anthropic'));
      const { router } = setup();
      for (let request = 1; request <= 3; request++) {
        const result = await route(router);
        assert.equal(result.text, FULL);
        assert.deepEqual(ofType(result.events, 'skip'), [], `request ${request} tries a first`);
        assert.equal(server.requests('/a').length, 3 * request, 'three attempts per request');
      }
      const fourth = await route(router);
      assert.equal(ofType(fourth.events, 'skip')[0].model, 'a', 'three failed requests open the circuit');
      assert.equal(server.requests('/a').length, 9);
    });

    it('lets one probe through at a time, even when an older request fails meanwhile', async () => {
      const olderFails = gate();
      const probeAnswers = gate();
      server.on('/a', held(olderFails.opened, down()), down(), held(probeAnswers.opened, ok('openai')), ok('openai'));
      server.on('/b', ok('anthropic'));
      const { router, clock } = setup(patient);

      const older = route(router);
      await until(() => server.requests('/a').length === 1, 'the older request reached a');
      await route(router);
      assert.ok(router.health.coolingFor('a') > 0, 'the circuit is open');
      clock.advance(30_001);
      const probe = route(router);
      await until(() => server.requests('/a').length === 3, 'the probe reached a');

      olderFails.open();
      const olderResult = await older;
      assert.equal(ofType(olderResult.events, 'fallback')[0].error.kind, 'overloaded');
      assert.equal(ofType(olderResult.events, 'done')[0].model, 'b');
      clock.advance(30_001);
      const meanwhile = await route(router);
      assert.equal(ofType(meanwhile.events, 'skip')[0]?.model, 'a', 'a second probe is not let through');
      assert.equal(server.requests('/a').length, 3);

      probeAnswers.open();
      assert.equal(ofType((await probe).events, 'done')[0].model, 'a');
      const after = await route(router);
      assert.equal(ofType(after.events, 'done')[0].model, 'a', 'the probe closed the circuit');
    });

    it('a success from a request that started before the circuit opened does not close it', async () => {
      const olderAnswers = gate();
      server.on('/a', held(olderAnswers.opened, ok('openai')), down());
      server.on('/b', ok('anthropic'));
      const { router } = setup(patient);

      const older = route(router);
      await until(() => server.requests('/a').length === 1, 'the older request reached a');
      await route(router);
      olderAnswers.open();
      assert.equal(ofType((await older).events, 'done')[0].model, 'a');

      const next = await route(router);
      assert.equal(ofType(next.events, 'skip')[0]?.model, 'a', 'the circuit stays open');
      assert.equal(server.requests('/a').length, 2);
    });
  });

  describe('Retry-After', () => {
    const limited = (retryAfter: string | string[]): Script => (_req, res) => {
      res.setHeader('retry-after', retryAfter);
      res.writeHead(429, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }));
    };

    for (const [name, value] of [['a merged duplicate header "5, 5"', ['5', '5']], ['"abc 2"', 'abc 2']] as const) {
      it(`${name} is not a Retry-After of 0: the usual backoff applies`, async () => {
        server.on('/a', limited(value as string | string[]), ok('openai'));
        const { router, clock } = setup();
        const result = await route(router);
        assert.equal(result.text, FULL);
        assert.equal(ofType(result.events, 'retry')[0].error.retryAfterMs, undefined);
        assert.deepEqual(clock.sleeps, [75], 'equal jitter at random 0.5: 3/4 of baseDelayMs');
      });
    }

    for (const [name, value] of [['0', '0'], ['a date in the past', 'Sun, 06 Nov 1994 08:49:37 GMT']] as const) {
      it(`a Retry-After of ${name} still waits baseDelayMs`, async () => {
        server.on('/a', limited(value), ok('openai'));
        const { router, clock } = setup();
        const result = await route(router);
        assert.equal(result.text, FULL);
        assert.deepEqual(clock.sleeps, [100]);
      });
    }

    it('a long Retry-After cools the model down for that long: the next request goes straight to the backup', async () => {
      server.on('/a', limited('3600'), ok('openai'));
      server.on('/b', ok('anthropic'));
      const { router, clock } = setup();
      const first = await route(router);
      assert.equal(ofType(first.events, 'done')[0].model, 'b');
      assert.deepEqual(clock.sleeps, [], 'not waited out');

      const second = await route(router);
      const [skip] = ofType(second.events, 'skip');
      assert.equal(skip?.model, 'a');
      assert.match(skip.reason, /asked for a pause of 3600 s/);
      assert.equal(server.requests('/a').length, 1);

      clock.advance(3_600_001);
      const later = await route(router);
      assert.deepEqual(ofType(later.events, 'attempt').map((a) => [a.model, a.probe]), [['a', true]]);
      assert.equal(ofType(later.events, 'done')[0].model, 'a');
    });
  });
});
