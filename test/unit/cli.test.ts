import * as assert from 'node:assert/strict';
import type { ProviderName } from '../../src/core/settings/types';
import { runCli, writeSettings } from '../support/cli';
import { continuer, failingAt } from '../support/continuer';
import { FaultServer } from '../support/faultServer';
import { baseUrlFor, pathFor } from '../support/models';
import { httpError, stream } from '../support/scripts';
import { answer, deltas, PROTOCOLS, WIRES } from '../support/wire';

const FULL = 'Baton streams the answer — every character, exactly once. ✓\nEven the second line.';
const FAST = { timeouts: { firstTokenMs: 2000, idleMs: 500, totalMs: 10000 }, retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20, maxRetryAfterMs: 100 } };

describe('baton CLI (as a process)', function () {
  this.timeout(20_000);
  let server: FaultServer;
  beforeEach(async () => {
    server = await FaultServer.start();
  });
  afterEach(() => server.close());

  const single = (protocol: ProviderName, extra: Record<string, unknown> = {}) => writeSettings({
    models: [{ id: 'a', provider: protocol, model: 'test-model', baseUrl: baseUrlFor(server.url, protocol, '/a') }],
    ...FAST, ...extra,
  });
  const serveOk = (protocol: ProviderName, prefix = '/a') =>
    server.on(pathFor(protocol, prefix), stream(answer(protocol, deltas(FULL, 4)), { headers: { 'content-type': WIRES[protocol].contentType }, chunkBytes: 11 }));

  for (const protocol of PROTOCOLS) {
    it(`chat streams a complete answer from ${protocol} to stdout and exits 0`, async () => {
      serveOk(protocol);
      const result = await runCli(['chat', '--settings', single(protocol), 'Say something'], { env: { BATON_API_KEY_A: 'k-123456789' } });
      assert.equal(result.stderr, '');
      assert.equal(result.stdout, FULL);
      assert.equal(result.code, 0);
      const body = JSON.stringify(server.received[0].body);
      assert.ok(body.includes('Say something'));
    });
  }

  it('reads the prompt from stdin and the system prompt from --system', async () => {
    serveOk('anthropic');
    const result = await runCli(['chat', '--settings', single('anthropic'), '--system', 'Be brief.'], { stdin: 'from stdin\n' });
    assert.equal(result.stdout, FULL);
    assert.equal(server.received[0].body.system, 'Be brief.');
    assert.equal(server.received[0].body.messages[0].content, 'from stdin\n');
  });

  it('--json writes one event per line, ending with done', async () => {
    serveOk('openai');
    const result = await runCli(['chat', '--json', '--settings', single('openai'), 'hi']);
    const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    assert.equal(events.filter((e) => e.type === 'text').map((e) => e.text).join(''), FULL);
    const done = events[events.length - 1];
    assert.equal(done.type, 'done');
    assert.equal(done.model, 'a');
    assert.deepEqual(done.usage, { inputTokens: 11, outputTokens: 7 });
    assert.equal(result.code, 0);
  });

  const faults: [string, (p: ProviderName) => Parameters<FaultServer['on']>[1], RegExp][] = [
    ['an HTTP 401', () => httpError(401, { error: { message: 'Incorrect API key provided', code: 'invalid_api_key' } }), /error \[auth\].*Set the key for "a" in BATON_API_KEY_A/],
    ['an HTTP 500', () => httpError(500, { error: { message: 'The server had an error' } }), /error \[server\]/],
    ['a proxy HTML page', () => httpError(502, '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>'), /error \[server\].*HTML page \("502 Bad Gateway"\)/],
    ['an in-band error', (p) => failingAt(p, FULL, 20, 'inband'), /error \[(server|overloaded)\] \(the answer above is incomplete\)/],
    ['a reset mid-stream', (p) => failingAt(p, FULL, 20, 'reset'), /error \[network\] \(the answer above is incomplete\).*connection reset/],
    ['a truncated stream', (p) => failingAt(p, FULL, 20, 'truncated'), /error \[truncated\].*completion signal/],
    ['a stall', (p) => failingAt(p, FULL, 20, 'stall'), /error \[timeout\].*stalled/],
  ];
  for (const [name, script, pattern] of faults) {
    for (const protocol of ['openai', 'anthropic', 'ollama'] as ProviderName[]) {
      it(`${name} from ${protocol}: exits non-zero with one clear line`, async () => {
        server.on(pathFor(protocol, '/a'), script(protocol));
        const result = await runCli(['chat', '--settings', single(protocol), 'hi']);
        assert.equal(result.code, 1);
        const errorLines = result.stderr.split('\n').filter((l) => l.startsWith('baton: error'));
        assert.equal(errorLines.length, 1, result.stderr);
        assert.match(errorLines[0], pattern);
        assert.ok(FULL.startsWith(result.stdout.trimEnd()), 'stdout holds only answer text');
      });
    }
  }

  // "abort": vLLM's finish reason for a request it dropped; "tool_calls" is a complete turn now (tools).
  for (const [raw, reason] of [['length', /the length limit/], ['abort', /a reason other than a natural end/]] as const) {
    it(`an answer that ended for "${raw}" exits non-zero and says why on stderr`, async () => {
      const wire = WIRES.openai;
      const finish = `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: {}, finish_reason: raw }], usage: null })}\n\n`;
      server.on(pathFor('openai', '/a'), stream([...wire.head(), ...deltas(FULL, 4).map(wire.delta), finish, 'data: [DONE]\n\n'], { headers: { 'content-type': wire.contentType } }));
      const result = await runCli(['chat', '--settings', single('openai'), 'hi']);
      assert.equal(result.stdout, FULL, 'the answer as it came');
      assert.equal(result.code, 3);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0], /^baton: incomplete answer: /);
      assert.match(lines[0], reason);
    });
  }

  it('an unreachable server is a network error', async () => {
    const closed = await FaultServer.start();
    const url = closed.url;
    await closed.close();
    const file = writeSettings({ models: [{ id: 'a', provider: 'ollama', model: 'm', baseUrl: url }], ...FAST });
    const result = await runCli(['chat', '--settings', file, 'hi']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /error \[network\].*connection refused/);
  });

  it('a primary that resets halfway and a healthy backup: the whole answer exactly once, exit 0', async () => {
    server.on(pathFor('openai', '/a'), failingAt('openai', FULL, 30, 'reset'));
    server.on(pathFor('anthropic', '/b'), continuer('anthropic', FULL));
    const file = writeSettings({
      models: [
        { id: 'a', provider: 'openai', model: 'm', baseUrl: baseUrlFor(server.url, 'openai', '/a') },
        { id: 'b', provider: 'anthropic', model: 'm', baseUrl: baseUrlFor(server.url, 'anthropic', '/b') },
      ],
      fallbacks: { a: ['b'] }, ...FAST,
    });
    const result = await runCli(['chat', '--settings', file, 'hi']);
    assert.equal(result.stdout, FULL);
    assert.equal(result.code, 0);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0], /^baton: a dropped at 30 chars: connection failed \(.*connection reset.*\) → continued by b \(prefill\)$/);

    const json = await runCli(['chat', '--json', '--settings', file, 'hi']);
    const events = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const fallback = events.find((e) => e.type === 'fallback');
    assert.deepEqual([fallback.from, fallback.to, fallback.at, fallback.phase, fallback.error.kind], ['a', 'b', 30, 'mid-stream', 'network']);
    assert.equal(events.filter((e) => e.type === 'text').map((e) => e.text).join(''), FULL);
  });

  it('invalid settings exit 2 naming each field', async () => {
    const file = writeSettings({ models: [{ id: 'a', provider: 'openia', model: 'm' }], fallbacks: { a: ['zzz'] } });
    const result = await runCli(['chat', '--settings', file, 'hi']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /baton\.models\[0\]\.provider: unknown provider "openia"/);
    assert.match(result.stderr, /baton\.fallbacks\.a/);
  });

  it('a settings file with a syntax error names the line', async () => {
    const file = writeSettings({});
    require('node:fs').writeFileSync(file, '{\n  "baton.models": [\n    { "id": "a" \n  ]\n}');
    const result = await runCli(['chat', '--settings', file, 'hi']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /settings\.json:4:\d+: /);
  });

  it('an unknown --model is a clear error', async () => {
    const result = await runCli(['chat', '--settings', single('openai'), '--model', 'nope', 'hi']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /unknown model id "nope"; configured ids are a/);
  });

  it('without --settings and without a VS Code settings file, says what to pass', async () => {
    const result = await runCli(['chat', 'hi']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /no settings file at .*Code\/User\/settings\.json; pass --settings FILE/);
  });

  it('check reports reachability, auth and time to first token per model', async () => {
    serveOk('openai', '/a');
    server.on(pathFor('anthropic', '/b'), httpError(401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }));
    const closed = await FaultServer.start();
    const deadUrl = closed.url;
    await closed.close();
    const file = writeSettings({
      models: [
        { id: 'a', provider: 'openai', model: 'm', baseUrl: baseUrlFor(server.url, 'openai', '/a') },
        { id: 'b', provider: 'anthropic', model: 'm', baseUrl: baseUrlFor(server.url, 'anthropic', '/b') },
        { id: 'c', provider: 'ollama', model: 'm', baseUrl: deadUrl },
      ],
      ...FAST,
    });
    const result = await runCli(['check', '--settings', file]);
    assert.equal(result.code, 1);
    const lines = result.stdout.trim().split('\n');
    assert.match(lines[0], /^✓ a .*reachable, auth ok, first token \d+ ms/);
    assert.match(lines[1], /^✗ b .*reachable, auth failed, auth: /);
    assert.match(lines[2], /^✗ c .*unreachable, auth unknown, network: .*connection refused/);
    const json = await runCli(['check', '--json', '--settings', file]);
    const checks = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(checks.map((c) => [c.model, c.ok, c.reachable, c.authOk]), [['a', true, true, true], ['b', false, true, false], ['c', false, false, undefined]]);
  });
});
