import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { providerFor } from '../../src/core/providers';
import type { ModelConfig, ProviderName } from '../../src/core/settings/types';
import { collect } from '../support/collect';
import { FaultServer } from '../support/faultServer';
import { baseUrlFor, pathFor } from '../support/models';
import { awkwardCuts, httpError, stream } from '../support/scripts';
import { answer, deltas, PROTOCOLS, WIRES } from '../support/wire';

const FIXTURES = path.join(__dirname, '../../../test/fixtures');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
const FIXTURE_ANSWER = 'Hello from Baton — a stream that never drops. ✓ Done.';
const REQUEST = { system: 'You are terse.', messages: [{ role: 'user' as const, content: 'Say hello' }], maxTokens: 64, temperature: 0.2 };

const BASIC: Record<ProviderName, string> = {
  openai: 'openai-chat-basic.sse',
  'openai-responses': 'openai-responses-basic.sse',
  anthropic: 'anthropic-basic.sse',
  gemini: 'gemini-basic.sse',
  ollama: 'ollama-basic.ndjson',
};

describe('providers against a real local server', () => {
  let server: FaultServer;
  beforeEach(async () => {
    server = await FaultServer.start();
  });
  afterEach(() => server.close());

  const model = (protocol: ProviderName, extra: Partial<ModelConfig> = {}): ModelConfig => ({
    id: 'm1', provider: protocol, model: protocol === 'gemini' ? 'gemini-2.5-flash' : 'test-model',
    baseUrl: baseUrlFor(server.url, protocol, '/p'), ...extra,
  });
  const run = (protocol: ProviderName, extra: Partial<ModelConfig> = {}, apiKey = 'sk-test-key-123456', signal = new AbortController().signal) =>
    collect(providerFor(protocol).stream({ model: model(protocol, extra), apiKey, request: REQUEST }, signal));

  for (const protocol of PROTOCOLS) {
    describe(protocol, () => {
      it('streams a recorded answer split at every awkward byte boundary', async () => {
        const body = fixture(BASIC[protocol]);
        server.on(pathFor(protocol, '/p'), stream(body, { cuts: awkwardCuts(body), delayMs: 1, headers: { 'content-type': WIRES[protocol].contentType } }));
        const result = await run(protocol);
        assert.equal(result.error, undefined, result.error?.message);
        assert.equal(result.text, FIXTURE_ANSWER);
        assert.equal(result.finish, 'stop');
        assert.ok(result.usage.outputTokens! > 0, 'usage reported');
        assert.deepEqual(result.warnings, []);
        assert.equal(result.parts[result.parts.length - 1].type, 'finish');
      });

      it('skips keep-alives between frames', async () => {
        const wire = WIRES[protocol];
        const frames = answer(protocol, ['one ', 'two ', 'three']).flatMap((f) => [wire.keepAlive(), f]);
        server.on(pathFor(protocol, '/p'), stream(frames, { chunkBytes: 9, headers: { 'content-type': wire.contentType } }));
        const result = await run(protocol);
        assert.equal(result.error, undefined, result.error?.message);
        assert.equal(result.text, 'one two three');
      });

      it('skips a single malformed frame with a warning and finishes the stream', async () => {
        const wire = WIRES[protocol];
        const frames = answer(protocol, ['alpha ', 'beta']);
        frames.splice(frames.length - wire.tail().length - 1, 0, wire.malformed());
        server.on(pathFor(protocol, '/p'), stream(frames, { headers: { 'content-type': wire.contentType } }));
        const result = await run(protocol);
        assert.equal(result.error, undefined, result.error?.message);
        assert.equal(result.text, 'alpha beta');
        assert.equal(result.warnings.length, 1);
        assert.match(result.warnings[0], /malformed frame/);
      });

      it('turns an in-band error after a 200 into a typed error, keeping the text before it', async () => {
        const wire = WIRES[protocol];
        server.on(pathFor(protocol, '/p'), stream([...wire.head(), wire.delta('partial '), wire.inbandError()], { headers: { 'content-type': wire.contentType } }));
        const result = await run(protocol);
        assert.equal(result.text, 'partial ');
        assert.ok(result.error, 'an error');
        assert.ok(['server', 'overloaded'].includes(result.error.kind), result.error.kind);
        assert.equal(result.error.model, 'm1');
      });

      it('reports a reset mid-stream as a network error', async () => {
        const wire = WIRES[protocol];
        server.on(pathFor(protocol, '/p'), stream([...wire.head(), ...deltas('some text here', 4).map(wire.delta)], { then: 'reset', headers: { 'content-type': wire.contentType } }));
        const result = await run(protocol);
        assert.equal(result.text, 'some text here');
        assert.equal(result.error?.kind, 'network');
      });

      it('treats a stream that ends without its completion signal as truncated', async () => {
        const wire = WIRES[protocol];
        server.on(pathFor(protocol, '/p'), stream([...wire.head(), wire.delta('cut '), wire.delta('short')], { headers: { 'content-type': wire.contentType } }));
        const result = await run(protocol);
        assert.equal(result.text, 'cut short');
        assert.equal(result.error?.kind, 'truncated');
        assert.equal(result.finish, undefined);
      });

      it('turns a proxy HTML error page into a clear error', async () => {
        server.on(pathFor(protocol, '/p'), httpError(502, fixture('errors/proxy-502.html')));
        const result = await run(protocol);
        assert.equal(result.error?.kind, 'server');
        assert.equal(result.error?.status, 502);
        assert.match(result.error!.message, /HTML page/);
        assert.doesNotMatch(result.error!.message, /Unexpected token|JSON/);
      });

      it('sends the key the protocol expects and never puts it in an error', async () => {
        server.on(pathFor(protocol, '/p'), httpError(401, { error: { message: 'Incorrect API key provided: sk-test-key-123456.', type: 'invalid_request_error', code: 'invalid_api_key' } }));
        const result = await run(protocol);
        assert.equal(result.error?.kind, 'auth');
        assert.doesNotMatch(result.error!.message, /sk-test-key-123456/);
        const headers = server.received[0].headers;
        const sent = headers.authorization ?? headers['x-api-key'] ?? headers['x-goog-api-key'];
        assert.match(String(sent), /sk-test-key-123456/);
      });
    });
  }

  it('openai: sends the Chat Completions request shape', async () => {
    server.on('/p/v1', stream(answer('openai', ['ok'])));
    await run('openai');
    const [req] = server.received;
    assert.equal(req.method, 'POST');
    assert.equal(req.path, '/p/v1/chat/completions');
    assert.equal(req.headers.authorization, 'Bearer sk-test-key-123456');
    assert.deepEqual(req.body, {
      model: 'test-model', stream: true, stream_options: { include_usage: true }, max_tokens: 64, temperature: 0.2,
      messages: [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Say hello' }],
    });
  });

  it('openai: an Azure-style base URL keeps its query and uses the api-key header', async () => {
    server.on('/openai/deployments/d1', stream(answer('openai', ['ok'])));
    const result = await collect(providerFor('openai').stream({
      model: { id: 'az', provider: 'openai', model: 'gpt', baseUrl: `${server.url}/openai/deployments/d1?api-version=2024-10-21` },
      apiKey: 'azure-key-1234567', request: REQUEST,
    }, new AbortController().signal));
    assert.equal(result.text, 'ok');
    assert.equal(server.received[0].path, '/openai/deployments/d1/chat/completions?api-version=2024-10-21');
    assert.equal(server.received[0].headers['api-key'], 'azure-key-1234567');
  });

  it('openai: reads reasoning deltas from OpenRouter and skips its comments', async () => {
    const body = fixture('openai-chat-openrouter.sse');
    server.on('/p/v1', stream(body, { cuts: awkwardCuts(body), delayMs: 1 }));
    const result = await run('openai');
    assert.equal(result.error, undefined, result.error?.message);
    assert.equal(result.text, FIXTURE_ANSWER);
  });

  it('openai: a stream with finish_reason but no [DONE] completes promptly even if the socket stays open', async () => {
    const frames = answer('openai', ['done ', 'here']).filter((f) => !f.includes('[DONE]') && !f.includes('"usage":{'));
    server.on('/p/v1', stream(frames, { then: 'stall' }));
    const started = Date.now();
    const result = await run('openai');
    assert.equal(result.error, undefined, result.error?.message);
    assert.equal(result.text, 'done here');
    assert.equal(result.finish, 'stop');
    assert.ok(Date.now() - started < 3000, 'completed within the grace period');
  });

  it('openai: an OpenRouter in-band error is typed', async () => {
    server.on('/p/v1', stream(fixture('openai-chat-error-inband-openrouter.sse')));
    const result = await run('openai');
    assert.ok(result.error);
    assert.notEqual(result.error.kind, 'truncated');
  });

  it("openai: vLLM's in-band {\"object\":\"error\"} frame is a typed error, not a truncation", async () => {
    const body = fixture('openai-chat-error-inband-vllm.sse');
    server.on('/p/v1', stream(body, { cuts: awkwardCuts(body), delayMs: 1 }));
    const result = await run('openai');
    assert.equal(result.text, 'Hello from Baton —');
    assert.equal(result.error?.kind, 'server');
    assert.equal(result.error?.status, 500);
    assert.match(result.error!.message, /openai stream error: The engine was stopped/);
  });

  it('openai: a deployment that refuses max_tokens (Azure reasoning models) is asked again with max_completion_tokens, and remembered', async () => {
    const refusal = fixture('errors/azure-openai-400-max-tokens-unsupported.json');
    server.on('/openai/deployments/o3', (req, res) => {
      if ('max_tokens' in req.body) return httpError(400, refusal)(req, res);
      return stream(answer('openai', ['reasoned ', 'answer']))(req, res);
    });
    const azure = { id: 'o3', provider: 'openai' as const, model: 'o3', baseUrl: `${server.url}/openai/deployments/o3?api-version=2024-12-01-preview` };
    const call = () => collect(providerFor('openai').stream({ model: azure, apiKey: 'azure-key-1234567', request: REQUEST }, new AbortController().signal));
    const first = await call();
    assert.equal(first.error, undefined, first.error?.message);
    assert.equal(first.text, 'reasoned answer');
    const second = await call();
    assert.equal(second.text, 'reasoned answer');
    const sent = server.received.map((r) => [r.body.max_tokens, r.body.max_completion_tokens]);
    assert.deepEqual(sent, [[64, undefined], [undefined, 64], [undefined, 64]], 'refused once, then max_completion_tokens from the start');
  });

  it('openai-responses: sends instructions, input and store:false', async () => {
    server.on('/p/v1', stream(answer('openai-responses', ['ok'])));
    await run('openai-responses');
    const [req] = server.received;
    assert.equal(req.path, '/p/v1/responses');
    assert.deepEqual(req.body, {
      model: 'test-model', instructions: 'You are terse.', input: [{ role: 'user', content: 'Say hello' }],
      stream: true, store: false, max_output_tokens: 64, temperature: 0.2,
    });
  });

  for (const [file, kind] of [['openai-responses-failed.sse', 'server'], ['openai-responses-error.sse', undefined], ['openai-responses-error-flat.sse', undefined]] as const) {
    it(`openai-responses: ${file} becomes a typed error, not truncation`, async () => {
      server.on('/p/v1', stream(fixture(file)));
      const result = await run('openai-responses');
      assert.ok(result.error, 'an error');
      assert.notEqual(result.error.kind, 'truncated');
      if (kind) assert.equal(result.error.kind, kind);
    });
  }

  it('openai-responses: reasoning summaries are reasoning, and response.incomplete reports length', async () => {
    server.on('/p/v1', stream(fixture('openai-responses-reasoning.sse')));
    const reasoning = await run('openai-responses');
    assert.equal(reasoning.error, undefined, reasoning.error?.message);
    assert.ok(reasoning.reasoning.length > 0);
    assert.equal(reasoning.text, FIXTURE_ANSWER);
    server.on('/p/v1', stream(fixture('openai-responses-incomplete.sse')));
    const incomplete = await run('openai-responses');
    assert.equal(incomplete.error, undefined);
    assert.equal(incomplete.finish, 'length');
  });

  it('anthropic: sends x-api-key, anthropic-version, system and max_tokens', async () => {
    server.on('/p/v1', stream(answer('anthropic', ['ok'])));
    await run('anthropic');
    const [req] = server.received;
    assert.equal(req.path, '/p/v1/messages');
    assert.equal(req.headers['x-api-key'], 'sk-test-key-123456');
    assert.equal(req.headers['anthropic-version'], '2023-06-01');
    assert.equal(req.headers.authorization, undefined);
    assert.deepEqual(req.body, {
      model: 'test-model', max_tokens: 64, system: 'You are terse.', stream: true, temperature: 0.2,
      messages: [{ role: 'user', content: 'Say hello' }],
    });
  });

  it('anthropic: thinking is reasoning; event: error is typed as overloaded', async () => {
    server.on('/p/v1', stream(fixture('anthropic-thinking.sse')));
    const thinking = await run('anthropic');
    assert.equal(thinking.error, undefined, thinking.error?.message);
    assert.ok(thinking.reasoning.length > 0);
    assert.equal(thinking.text, FIXTURE_ANSWER);
    server.on('/p/v1', stream(fixture('anthropic-overloaded.sse')));
    const overloaded = await run('anthropic');
    assert.equal(overloaded.error?.kind, 'overloaded');
  });

  it('gemini: posts to models/{model}:streamGenerateContent?alt=sse with systemInstruction', async () => {
    server.on('/p/v1beta', stream(answer('gemini', ['ok'])));
    await run('gemini');
    const [req] = server.received;
    assert.equal(req.path, '/p/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    assert.equal(req.headers['x-goog-api-key'], 'sk-test-key-123456');
    assert.deepEqual(req.body, {
      contents: [{ role: 'user', parts: [{ text: 'Say hello' }] }],
      systemInstruction: { parts: [{ text: 'You are terse.' }] },
      generationConfig: { maxOutputTokens: 64, temperature: 0.2 },
    });
  });

  it('gemini: thoughts are reasoning; SAFETY and a blocked prompt are content-policy', async () => {
    server.on('/p/v1beta', stream(fixture('gemini-thinking.sse')));
    const thinking = await run('gemini');
    assert.equal(thinking.error, undefined, thinking.error?.message);
    assert.ok(thinking.reasoning.length > 0);
    server.on('/p/v1beta', stream(fixture('gemini-safety.sse')));
    const safety = await run('gemini');
    assert.equal(safety.finish, 'content-filter');
    server.on('/p/v1beta', stream(fixture('gemini-prompt-blocked.sse')));
    const blocked = await run('gemini');
    assert.equal(blocked.error?.kind, 'content-policy');
  });

  it('ollama: posts NDJSON chat with options and reads thinking', async () => {
    server.on('/p/api/chat', stream(fixture('ollama-thinking.ndjson'), { chunkBytes: 3, delayMs: 0 }));
    const result = await run('ollama', {}, '');
    assert.equal(result.error, undefined, result.error?.message);
    assert.ok(result.reasoning.length > 0);
    const [req] = server.received;
    assert.equal(req.headers.authorization, undefined);
    assert.deepEqual(req.body, {
      model: 'test-model', stream: true, options: { num_predict: 64, temperature: 0.2 },
      messages: [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Say hello' }],
    });
  });

  it('ollama: an in-band {"error"} line is typed', async () => {
    server.on('/p/api/chat', stream(fixture('ollama-error.ndjson')));
    const result = await run('ollama');
    assert.ok(result.error);
    assert.notEqual(result.error.kind, 'truncated');
  });

  it('aborting the signal closes the socket at once', async () => {
    const wire = WIRES.openai;
    server.on('/p/v1', stream([...wire.head(), wire.delta('hi')], { then: 'stall' }));
    const controller = new AbortController();
    const disconnected = server.waitForDisconnect();
    const iterator = providerFor('openai').stream({ model: model('openai'), request: REQUEST }, controller.signal)[Symbol.asyncIterator]();
    assert.deepEqual((await iterator.next()).value, { type: 'text', text: 'hi' });
    controller.abort();
    await assert.rejects(iterator.next(), (error: any) => error.kind === 'aborted');
    await disconnected;
    assert.equal(server.disconnects, 1);
  });

  it('leaving the iteration early closes the socket', async () => {
    const wire = WIRES.anthropic;
    server.on('/p/v1', stream([...wire.head(), wire.delta('hi')], { then: 'stall' }));
    const disconnected = server.waitForDisconnect();
    for await (const part of providerFor('anthropic').stream({ model: model('anthropic'), request: REQUEST }, new AbortController().signal)) {
      if (part.type === 'text') break;
    }
    await disconnected;
    assert.equal(server.disconnects, 1);
  });

  it('a refused connection is a network error naming the host', async () => {
    const closed = await FaultServer.start();
    const url = closed.url;
    await closed.close();
    const result = await collect(providerFor('openai').stream({
      model: { id: 'x', provider: 'openai', model: 'm', baseUrl: `${url}/v1` }, request: REQUEST,
    }, new AbortController().signal));
    assert.equal(result.error?.kind, 'network');
    assert.match(result.error!.message, /connection refused/);
    assert.ok(result.error!.message.includes(url.replace('http://', '')), result.error!.message);
  });

  it('a 200 that is a web page, not a stream, is a protocol error', async () => {
    server.on('/p/v1', (_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end('<html><title>Sign in to Wi-Fi</title></html>'));
    const result = await run('openai');
    assert.equal(result.error?.kind, 'protocol');
    assert.match(result.error!.message, /Sign in to Wi-Fi/);
  });

  it('garbage that never forms a frame is truncated, not a hang', async () => {
    server.on('/p/v1', stream('this is not an event stream at all\n'.repeat(50)));
    const result = await run('openai');
    assert.equal(result.error?.kind, 'truncated');
  });
});
