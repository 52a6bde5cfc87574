import * as assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { BatonError } from '../../src/core/errors';
import { providerFor } from '../../src/core/providers';
import type { ModelConfig, ProviderName } from '../../src/core/settings/types';
import { collect } from '../support/collect';
import { FaultServer, Received } from '../support/faultServer';
import { baseUrlFor, pathFor } from '../support/models';
import { stream } from '../support/scripts';
import { answer, deltas, WIRES } from '../support/wire';

// Redirects never carry a key or a request to another origin (issue 13, item 3). Two real servers
// on two ports are two origins; the first answers with a redirect to the second.

const KEY = 'sk-redirect-test-key-0123456789abcdef';
const REQUEST = { messages: [{ role: 'user' as const, content: 'my private code:\n\tconst secret = 42;' }], maxTokens: 32 };

/** Each way a provider sends its key, and the header it travels in. */
const CASES: { name: string; protocol: ProviderName; query?: string; header: string }[] = [
  { name: 'OpenAI (Authorization)', protocol: 'openai', header: 'authorization' },
  { name: 'Azure OpenAI (api-key)', protocol: 'openai', query: '?api-version=2024-10-21', header: 'api-key' },
  { name: 'Anthropic (x-api-key)', protocol: 'anthropic', header: 'x-api-key' },
  { name: 'Gemini (x-goog-api-key)', protocol: 'gemini', header: 'x-goog-api-key' },
];

function redirectTo(location: (req: Received) => string, status: number) {
  return (req: Received, res: ServerResponse) => {
    res.writeHead(status, { location: location(req), 'content-type': 'text/plain' }).end('moved');
  };
}

describe('redirects never carry a key to another origin', () => {
  let home: FaultServer;
  let elsewhere: FaultServer;
  beforeEach(async () => {
    [home, elsewhere] = await Promise.all([FaultServer.start(), FaultServer.start()]);
  });
  afterEach(() => Promise.all([home.close(), elsewhere.close()]));

  const model = (protocol: ProviderName, query = ''): ModelConfig => ({
    id: 'm1', provider: protocol, model: protocol === 'gemini' ? 'gemini-2.5-flash' : 'test-model',
    baseUrl: baseUrlFor(home.url, protocol, '/p') + query,
  });
  const run = (protocol: ProviderName, query?: string) =>
    collect(providerFor(protocol).stream({ model: model(protocol, query), apiKey: KEY, request: REQUEST }, new AbortController().signal));

  for (const { name, protocol, query, header } of CASES) {
    for (const status of [307, 308, 301, 302]) {
      it(`${name}: a ${status} to another origin is refused, naming both origins; the other server gets nothing`, async () => {
        home.on(pathFor(protocol, '/p'), redirectTo((req) => `${elsewhere.url}${req.path}`, status));
        elsewhere.on('/', stream(answer(protocol, ['stolen'])));
        const result = await run(protocol, query);
        assert.ok(BatonError.is(result.error), `expected a refusal, got ${JSON.stringify(result.text)}`);
        assert.equal(result.error.kind, 'bad-request');
        assert.equal(result.error.retryable, false, 'a redirect is a setting to fix, not a fault to retry');
        assert.equal(result.error.status, status);
        assert.match(result.error.message, new RegExp(`redirected the request from ${home.url} to ${elsewhere.url} \\(HTTP ${status}\\)`));
        assert.match(result.error.message, /set the model's baseUrl to it/);
        assert.equal(elsewhere.received.length, 0, `the other origin received ${JSON.stringify(elsewhere.received.map((r) => r.headers))}`);
        assert.equal(home.received[0].headers[header], header === 'authorization' ? `Bearer ${KEY}` : KEY, 'the key went to its own origin');
      });
    }
  }

  it('the same host on another port is another origin', async () => {
    const sameHostOtherPort = elsewhere.url.replace('127.0.0.1', 'localhost');
    home.on('/p/v1', redirectTo((req) => `${sameHostOtherPort}${req.path}`, 307));
    const result = await run('anthropic');
    assert.match(String(result.error?.message), new RegExp(`to ${sameHostOtherPort}`));
    assert.equal(elsewhere.received.length, 0);
  });

  it('a 307 or 308 within the same origin is followed with the same key and body, and the answer streams', async () => {
    const text = 'Moved, then answered:\n\tfine ✓';
    home.on('/p/v1/messages', redirectTo(() => '/moved/v1/messages', 307));
    home.on('/moved', stream(answer('anthropic', deltas(text, 4)), { headers: { 'content-type': WIRES.anthropic.contentType } }));
    const result = await run('anthropic');
    assert.equal(result.error, undefined);
    assert.equal(result.text, text);
    const [first, second] = home.received;
    assert.equal(second.path, '/moved/v1/messages');
    assert.equal(second.headers['x-api-key'], KEY);
    assert.equal(second.text, first.text, 'the body is sent again byte for byte');
  });

  it('a same-origin 301 is refused: following it would turn the POST into a GET', async () => {
    home.on('/p/v1/chat/completions', redirectTo(() => '/v2/chat/completions', 301));
    const result = await run('openai');
    assert.match(String(result.error?.message), /HTTP 301, a redirect to http:\/\/127\.0\.0\.1:\d+\/v2\/chat\/completions that would turn the request into a GET/);
    assert.equal(home.received.length, 1);
  });

  it('a redirect loop stops', async () => {
    home.on('/p/v1/messages', redirectTo((req) => req.path, 308));
    const result = await run('anthropic');
    assert.match(String(result.error?.message), /redirected more than 5 times/);
    assert.equal(home.received.length, 6);
  });
});
