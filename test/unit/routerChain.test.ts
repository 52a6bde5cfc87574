import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeEvent } from '../../src/core/router/describe';
import { continuationOf, continuer } from '../support/continuer';
import { FaultServer } from '../support/faultServer';
import { pathFor } from '../support/models';
import { FULL, ok } from '../support/plan';
import { chainSettings, ChainModel, makeRouter, ofType, route } from '../support/routeHarness';
import { httpError, stream } from '../support/scripts';
import { WIRES } from '../support/wire';

const ERRORS = path.join(__dirname, '../../../test/fixtures/errors');
const recorded = (status: number, file: string) => httpError(status, fs.readFileSync(path.join(ERRORS, file), 'utf8'));
const tooLong = () => recorded(400, 'anthropic-400-prompt-too-long.json');
const unauthorized = () => httpError(401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });

describe('router: how far the chain goes', () => {
  let server: FaultServer;
  beforeEach(async () => {
    server = await FaultServer.start();
  });
  afterEach(() => server.close());

  const setup = (models: ChainModel[], extra: Record<string, unknown> = {}) => makeRouter(chainSettings(server.url, models, extra));

  describe('context window', () => {
    it('with no windows configured, falls back to the next model at once: unknown is not smaller', async () => {
      server.on('/a', tooLong());
      server.on('/b', ok('openai'));
      const result = await route(setup([{ id: 'a', protocol: 'anthropic' }, { id: 'b', protocol: 'openai' }]).router);
      assert.equal(result.error, undefined, result.error?.message);
      assert.equal(result.text, FULL);
      assert.equal(server.requests('/a').length, 1, 'the same model is not retried');
      assert.deepEqual(ofType(result.events, 'skip'), []);
      const [fallback] = ofType(result.events, 'fallback');
      assert.deepEqual([fallback.error.kind, fallback.to], ['context-window', 'b']);
    });

    it('skips only the models known to be smaller than one that already failed', async () => {
      server.on('/a', tooLong());
      server.on('/b', tooLong());
      server.on('/c', ok('openai'));
      server.on('/d', ok('gemini'));
      const result = await route(setup([
        { id: 'a', protocol: 'anthropic', contextWindow: 200_000 },
        { id: 'b', protocol: 'anthropic' },
        { id: 'c', protocol: 'openai', contextWindow: 128_000 },
        { id: 'd', protocol: 'gemini', contextWindow: 1_000_000 },
      ]).router);
      assert.equal(result.text, FULL);
      assert.deepEqual(ofType(result.events, 'skip').map((s) => s.model), ['c'], 'c is known to be smaller than a');
      assert.equal(ofType(result.events, 'done')[0].model, 'd');
      assert.deepEqual(['/a', '/b', '/c'].map((p) => server.requests(p).length), [1, 1, 0]);
    });
  });

  describe('the handover budget', () => {
    it('maxHandovers: 0 still falls back before the first token', async () => {
      server.on('/a', unauthorized());
      server.on('/b', ok('anthropic'));
      const result = await route(setup([{ id: 'a', protocol: 'openai' }, { id: 'b', protocol: 'anthropic' }], { continuation: { maxHandovers: 0 } }).router);
      assert.equal(result.error, undefined, result.error?.message);
      assert.equal(result.text, FULL);
      assert.equal(ofType(result.events, 'done')[0].handovers, 0, 'no mid-stream handover was spent');
    });

    it('four auth failures do not stop a five-model chain', async () => {
      for (const id of ['a', 'b', 'c', 'd']) server.on(`/${id}`, unauthorized());
      server.on('/e', ok('gemini'));
      const models: ChainModel[] = [
        { id: 'a', protocol: 'openai' }, { id: 'b', protocol: 'anthropic' }, { id: 'c', protocol: 'openai-responses' },
        { id: 'd', protocol: 'ollama' }, { id: 'e', protocol: 'gemini' },
      ];
      const result = await route(setup(models).router);
      assert.equal(result.error, undefined, result.error?.message);
      assert.equal(result.text, FULL);
      assert.equal(ofType(result.events, 'fallback').length, 4);
      assert.equal(ofType(result.events, 'done')[0].model, 'e');
    });
  });

  describe('refusals with baton.fallbackOnRefusal', () => {
    it('a refusal mid-answer restarts the answer on the backup, with a visible marker, and is never continued', async () => {
      const wire = WIRES.openai;
      const refusal = "I'm sorry, but I can't help with that.";
      const filtered = `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: {}, finish_reason: 'content_filter' }], usage: null })}\n\n`;
      server.on('/a', stream([...wire.head(), wire.delta(refusal), filtered, 'data: [DONE]\n\n'], { headers: { 'content-type': wire.contentType } }));
      server.on('/b', continuer('anthropic', FULL));
      const result = await route(setup([{ id: 'a', protocol: 'openai' }, { id: 'b', protocol: 'anthropic' }], { fallbackOnRefusal: true }).router);
      assert.equal(result.error, undefined, result.error?.message);
      const [fallback] = ofType(result.events, 'fallback');
      assert.deepEqual([fallback.error.kind, fallback.form, fallback.phase, fallback.at], ['content-policy', 'restart', 'mid-stream', refusal.length]);
      assert.match(describeEvent(fallback)!, /restarting the answer on b/);
      assert.equal(continuationOf('anthropic', server.requests('/b')[0].body).form, 'fresh', 'the backup never sees the refused reply');
      assert.equal(result.text, FULL, 'the answer after the marker is the backup\'s alone');
      const texts = result.events.filter((e) => e.type === 'text' || e.type === 'fallback').map((e) => (e.type === 'text' ? e.text : '|'));
      assert.equal(texts.join(''), `${refusal}|${FULL}`);
    });
  });

  describe('recorded errors that used to be misread', () => {
    it('Gemini 504 DEADLINE_EXCEEDED is retried on the same model', async () => {
      server.on(pathFor('gemini', '/a'), recorded(504, 'gemini-504-deadline-exceeded.json'), ok('gemini'));
      server.on('/b', ok('anthropic'));
      const result = await route(setup([{ id: 'a', protocol: 'gemini' }, { id: 'b', protocol: 'anthropic' }]).router);
      assert.equal(result.text, FULL);
      const [retry] = ofType(result.events, 'retry');
      assert.deepEqual([retry?.error.kind, retry?.error.status], ['timeout', 504]);
      assert.equal(ofType(result.events, 'done')[0].model, 'a');
      assert.equal(server.requests('/b').length, 0);
    });

    it('Anthropic "exceed context limit" is a context-window error: not retried, handed to the next model', async () => {
      server.on('/a', recorded(400, 'anthropic-400-exceed-context-limit.json'));
      server.on('/b', ok('openai'));
      const result = await route(setup([{ id: 'a', protocol: 'anthropic' }, { id: 'b', protocol: 'openai' }]).router);
      assert.equal(result.text, FULL);
      assert.equal(ofType(result.events, 'fallback')[0].error.kind, 'context-window');
      assert.equal(server.requests('/a').length, 1);
    });
  });
});
