import * as assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import type { RouterEvent } from '../../src/core/router/events';
import type { ProviderName } from '../../src/core/settings/types';
import { FaultServer, Script } from '../support/faultServer';
import { sleep } from '../support/gate';
import { pathFor } from '../support/models';
import { FULL, ok } from '../support/plan';
import { chainSettings, ChainModel, makeRouter, ofType, route } from '../support/routeHarness';
import { stream } from '../support/scripts';
import { answer, deltas, PROTOCOLS, WIRES } from '../support/wire';

/** Writes frames in order, pausing `pauseMs` after the frame at each index in `pauses`. */
function paced(protocol: ProviderName, frames: string[], pauses: Record<number, number>, then: 'end' | 'hold' = 'end'): Script {
  return async (_req, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': WIRES[protocol].contentType });
    res.flushHeaders();
    for (let i = 0; i < frames.length; i++) {
      if (res.destroyed) return;
      res.write(frames[i]);
      if (pauses[i]) await sleep(pauses[i]);
    }
    if (then === 'end') res.end();
  };
}

describe('router: silence and slowness, judged at the wire', () => {
  let server: FaultServer;
  beforeEach(async () => {
    server = await FaultServer.start();
  });
  afterEach(() => server.close());

  const setup = (models: ChainModel[], extra: Record<string, unknown> = {}) => makeRouter(chainSettings(server.url, models, extra));
  const pair: ChainModel[] = [{ id: 'a', protocol: 'openai' }, { id: 'b', protocol: 'anthropic' }];

  it('a slow consumer is not blamed on the provider: silence is measured as bytes arrive', async () => {
    // The server sends the whole answer within about 150 ms; the consumer takes 1.2 s over its
    // first piece of text, more than twice the idle timeout.
    const frames = answer('openai', deltas(FULL, 40));
    server.on('/a', paced('openai', frames, Object.fromEntries(frames.map((_, i) => [i, 10]))));
    server.on('/b', ok('anthropic'));
    const { router } = setup(pair, { timeouts: { firstTokenMs: 2_000, idleMs: 500, totalMs: 20_000 } });
    const events: RouterEvent[] = [];
    let text = '';
    for await (const event of router.stream({ messages: [{ role: 'user', content: 'Tell me a story' }] })) {
      events.push(event);
      if (event.type !== 'text') continue;
      if (!text) await sleep(1_200);
      text += event.text;
    }
    assert.equal(text, FULL);
    assert.deepEqual(ofType(events, 'fallback'), []);
    assert.deepEqual(ofType(events, 'retry'), []);
    assert.equal(ofType(events, 'done')[0].model, 'a');
    assert.equal(server.requests('/b').length, 0);
    assert.equal(router.health.coolingFor('a'), 0);
  });

  for (const protocol of PROTOCOLS) {
    it(`${protocol}: lifecycle events and keep-alives before the first token leave the first-token budget whole`, async () => {
      // Anthropic's message_start carries usage; Responses opens with response.created; none of it is a token.
      const wire = WIRES[protocol];
      const head = wire.head();
      const waiting = Array.from({ length: 12 }, () => wire.keepAlive());
      const frames = [...head, ...waiting, ...deltas(FULL, 9).map((d) => wire.delta(d)), ...wire.tail()];
      const pauses = Object.fromEntries([...head, ...waiting].map((_, i) => [i, 50]));
      server.on(pathFor(protocol, '/a'), paced(protocol, frames, pauses));
      server.on('/b', ok('anthropic'));
      const { router } = setup([{ id: 'a', protocol }, { id: 'b', protocol: 'anthropic' }], { timeouts: { firstTokenMs: 2_000, idleMs: 250, totalMs: 20_000 } });
      const result = await route(router);
      assert.equal(result.error, undefined, result.error?.message);
      assert.equal(result.text, FULL);
      assert.deepEqual(ofType(result.events, 'fallback'), []);
      assert.equal(server.requests('/b').length, 0);
    });
  }

  it("a model's own timeouts override baton.timeouts: a reasoning model may think longer than the global first-token budget", async () => {
    const frames = answer('openai', deltas(FULL, 9));
    server.on('/a', paced('openai', frames, { 0: 900 }));
    server.on('/b', ok('anthropic'));
    const { router } = setup([{ id: 'a', protocol: 'openai', timeouts: { firstTokenMs: 3_000 } }, { id: 'b', protocol: 'anthropic' }]);
    const result = await route(router);
    assert.equal(result.text, FULL);
    assert.deepEqual(ofType(result.events, 'fallback'), []);
    assert.equal(ofType(result.events, 'done')[0].model, 'a');
  });

  it('the global first-token budget still applies to models without their own', async () => {
    const frames = answer('openai', deltas(FULL, 9));
    server.on('/a', paced('openai', frames, { 0: 900 }));
    server.on('/b', ok('anthropic'));
    const result = await route(setup(pair).router);
    assert.equal(result.text, FULL);
    const [fallback] = ofType(result.events, 'fallback');
    assert.match(fallback.error.message, /no first token within 0\.4 s/);
  });

  it('a server that takes the request and sends no headers is not retried: the headers timeout moves on at once', async () => {
    // Failover Bench's "no response": the connection is accepted, nothing comes back, and the
    // server gives up and closes it before the first-token timeout would have fired.
    server.on('/a', (_req, res) => void sleep(500).then(() => res.socket?.destroy()));
    server.on('/b', ok('anthropic'));
    const { router } = setup(pair, { timeouts: { headersMs: 200, firstTokenMs: 1_000, idleMs: 250, totalMs: 20_000 } });
    const result = await route(router);
    assert.equal(result.text, FULL);
    assert.equal(server.requests('/a').length, 1, 'the silent model is not retried');
    assert.deepEqual(ofType(result.events, 'retry'), []);
    const [fallback] = ofType(result.events, 'fallback');
    assert.equal(fallback.error.kind, 'timeout');
    assert.match(fallback.error.message, /no response headers within 0\.2 s/);
  });

  it('Ollama sends its headers with its first line, so its headers wait is the first-token budget', async () => {
    server.on('/a/api/chat', async (req, res) => {
      await sleep(500);
      return stream(answer('ollama', deltas(FULL, 9)), { headers: { 'content-type': WIRES.ollama.contentType } })(req, res);
    });
    server.on('/b', ok('anthropic'));
    const { router } = setup([{ id: 'a', protocol: 'ollama' }, { id: 'b', protocol: 'anthropic' }],
      { timeouts: { headersMs: 200, firstTokenMs: 1_500, idleMs: 250, totalMs: 20_000 } });
    const result = await route(router);
    assert.equal(result.text, FULL);
    assert.equal(ofType(result.events, 'done')[0].model, 'a');
  });

  it('a finished body ends on its own, so the next request reuses the connection', async () => {
    server.on('/a', async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(answer('openai', deltas(FULL, 9)).join(''));
      // The final frame is out; the end of the body lags a little, as it does behind real proxies.
      await sleep(20);
      res.end();
    });
    // Generous waits: a timeout on a loaded machine would close a connection for its own reasons.
    const { router } = setup(pair, { timeouts: { firstTokenMs: 10_000, idleMs: 10_000, totalMs: 60_000 } });
    for (let i = 0; i < 5; i++) {
      const result = await route(router);
      assert.equal(result.text, FULL);
    }
    assert.equal(server.requests('/a').length, 5);
    assert.equal(server.connections, 1, `${server.connections} connections for 5 requests`);
    assert.equal(server.disconnects, 0);
  });
});
