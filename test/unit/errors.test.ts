import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ErrorKind } from '../../src/core/errors';
import { errorFromResponse, parseRetryAfter } from '../../src/core/providers/httpErrors';
import { redact } from '../../src/core/redact';

const ERRORS = path.join(__dirname, '../../../test/fixtures/errors');

/** Every recorded error body, with the status it came with and the kind Baton must derive. */
const CASES: [file: string, status: number, kind: ErrorKind][] = [
  ['openai-401-invalid-api-key.json', 401, 'auth'],
  ['openai-429-rate-limit.json', 429, 'rate-limit'],
  ['openai-429-insufficient-quota.json', 429, 'rate-limit'],
  ['openai-400-context-length-exceeded.json', 400, 'context-window'],
  ['openai-400-content-policy.json', 400, 'content-policy'],
  ['azure-openai-400-content-filter.json', 400, 'content-policy'],
  ['openai-500-server-error.json', 500, 'server'],
  ['openai-503-overloaded.json', 503, 'overloaded'],
  ['anthropic-401-authentication.json', 401, 'auth'],
  ['anthropic-429-rate-limit.json', 429, 'rate-limit'],
  ['anthropic-529-overloaded.json', 529, 'overloaded'],
  ['anthropic-400-prompt-too-long.json', 400, 'context-window'],
  ['anthropic-400-exceed-context-limit.json', 400, 'context-window'],
  ['anthropic-400-prefill-trailing-whitespace.json', 400, 'bad-request'],
  ['anthropic-400-prefill-unsupported.json', 400, 'bad-request'],
  ['gemini-400-api-key-invalid.json', 400, 'auth'],
  ['gemini-429-resource-exhausted.json', 429, 'rate-limit'],
  ['gemini-500-internal.json', 500, 'server'],
  ['gemini-503-unavailable.json', 503, 'overloaded'],
  ['gemini-400-context-exceeded.json', 400, 'context-window'],
  ['gemini-504-deadline-exceeded.json', 504, 'timeout'],
  ['azure-openai-400-max-tokens-unsupported.json', 400, 'bad-request'],
  ['ollama-404-model-not-found.json', 404, 'bad-request'],
  ['ollama-500-runner-stopped.json', 500, 'server'],
  ['ollama-400-input-exceeds-context.json', 400, 'context-window'],
];

const ctx = { provider: 'test', model: 'm', url: 'http://127.0.0.1:1/v1', apiKey: 'sk-live-secret-0123456789abcdef' };

describe('error classification from recorded bodies', () => {
  for (const [file, status, kind] of CASES) {
    it(`${file} → ${kind}`, () => {
      const error = errorFromResponse(status, new Headers(), fs.readFileSync(path.join(ERRORS, file), 'utf8'), ctx);
      assert.equal(error.kind, kind, error.message);
      assert.equal(error.status, status);
      assert.match(error.message, new RegExp(`test HTTP ${status}: \\S`));
    });
  }

  it('insufficient quota is a rate limit that retrying cannot fix', () => {
    const error = errorFromResponse(429, new Headers(), fs.readFileSync(path.join(ERRORS, 'openai-429-insufficient-quota.json'), 'utf8'), ctx);
    assert.equal(error.retryable, false);
  });

  it("reads Gemini's retryDelay from the body", () => {
    const error = errorFromResponse(429, new Headers(), fs.readFileSync(path.join(ERRORS, 'gemini-429-resource-exhausted.json'), 'utf8'), ctx);
    assert.ok(error.retryAfterMs! > 0);
  });

  it('names the HTML page a proxy returned', () => {
    for (const file of ['proxy-502.html', 'proxy-504.html', 'proxy-502-cloudflare.html']) {
      const error = errorFromResponse(502, new Headers(), fs.readFileSync(path.join(ERRORS, file), 'utf8'), ctx);
      assert.equal(error.kind, 'server');
      assert.match(error.message, /returned an HTML page \(".+"\)/);
    }
  });

  it('parses Retry-After as seconds, an HTTP date, or retry-after-ms', () => {
    assert.equal(parseRetryAfter(new Headers({ 'retry-after': '3' })), 3000);
    assert.equal(parseRetryAfter(new Headers({ 'retry-after-ms': '250', 'retry-after': '3' })), 250);
    const now = Date.parse('2026-11-24T00:00:00Z');
    assert.equal(parseRetryAfter(new Headers({ 'retry-after': 'Tue, 24 Nov 2026 00:00:10 GMT' }), now), 10_000);
    // The two obsolete forms RFC 9110 still asks recipients to accept.
    assert.equal(parseRetryAfter(new Headers({ 'retry-after': 'Tuesday, 24-Nov-26 00:00:10 GMT' }), now), 10_000);
    assert.equal(parseRetryAfter(new Headers({ 'retry-after': 'Tue Nov 24 00:00:10 2026' }), now), 10_000);
    assert.equal(parseRetryAfter(new Headers({ 'retry-after': 'Sun, 06 Nov 1994 08:49:37 GMT' }), now), 0, 'a past date is no wait');
    assert.equal(parseRetryAfter(new Headers({ 'retry-after': 'soon' })), undefined);
  });

  it('parses Retry-After strictly: anything but delta-seconds or an HTTP-date is no Retry-After', () => {
    const headers = new Headers();
    headers.append('retry-after', '5');
    headers.append('retry-after', '5');
    assert.equal(headers.get('retry-after'), '5, 5', 'fetch merges a duplicated header');
    assert.equal(parseRetryAfter(headers), undefined);
    for (const value of ['abc 2', '-1', '1.5', '0x10', '1e3', 'Tue, 24 Nov 2026', '24 Nov 2026 00:00:10 GMT']) {
      assert.equal(parseRetryAfter(new Headers({ 'retry-after': value })), undefined, JSON.stringify(value));
    }
    assert.equal(parseRetryAfter(new Headers({ 'retry-after-ms': 'abc', 'retry-after': '2' })), 2000, 'a bad retry-after-ms falls back');
    assert.equal(parseRetryAfter(new Headers({ 'retry-after': '0' })), 0);
  });

  it('a timeout the provider reports (HTTP 504, DEADLINE_EXCEEDED) is retryable, unlike Baton\'s own', () => {
    const error = errorFromResponse(504, new Headers(), fs.readFileSync(path.join(ERRORS, 'gemini-504-deadline-exceeded.json'), 'utf8'), ctx);
    assert.equal(error.kind, 'timeout');
    assert.equal(error.retryable, true);
  });

  it('never echoes the key, even when the provider does', () => {
    const body = JSON.stringify({ error: { message: `Incorrect API key provided: ${ctx.apiKey}. You can find your API key at https://platform.openai.com.` } });
    const error = errorFromResponse(401, new Headers(), body, ctx);
    assert.doesNotMatch(error.message, /sk-live-secret/);
    assert.match(error.message, /\[redacted\]/);
  });

  it('redacts keys it was not told about when they look like keys', () => {
    assert.equal(redact('key sk-ant-api03-abcdefghijklmnop and AIzaSyA1234567890abcdefghijklmnopqrstuv'), 'key [redacted] and [redacted]');
  });
});
