import * as assert from 'node:assert/strict';
import type { ProviderName } from '../../src/core/settings/types';
import { FaultServer } from '../support/faultServer';
import { pathFor } from '../support/models';
import { chainSettings, ChainModel, makeRouter, ofType, route, Routed } from '../support/routeHarness';
import { stream } from '../support/scripts';
import { asCalls, CLAUDE_ID, HISTORY, HISTORY_CALLS, ODD_ID, READ, READ_RESULT, SEARCH, SEARCH_RESULT, TOOL_TEXT, TOOLS } from '../support/toolPlans';
import { callsIn, pairedHistory, toolContinuer, withIds } from '../support/toolRequests';
import { ToolEnding, ToolFault, toolFailing, toolFrames, ToolPlan } from '../support/toolWire';
import { PROTOCOLS, WIRES } from '../support/wire';

const REQUEST = { messages: [{ role: 'user' as const, content: 'Check main.ts and find the open TODOs.' }], tools: TOOLS };
const GENERATED_ID = /^call_[A-Za-z0-9]{24}$/;
const hasIds = (protocol: ProviderName) => protocol !== 'gemini' && protocol !== 'ollama';

/** The tool calls the router reported, each exactly once, with ids unique and where expected. */
function assertCalls(result: Routed, expected: { id?: string; name: string; arguments: unknown }[], forbiddenIds: string[] = []): void {
  const calls = ofType(result.events, 'tool-call').map((e) => e.call);
  assert.deepEqual(calls.map(({ name, arguments: args }) => ({ name, arguments: args })), expected.map(({ name, arguments: args }) => ({ name, arguments: args })));
  calls.forEach((call, i) => {
    if (expected[i].id) assert.equal(call.id, expected[i].id);
    else assert.match(call.id, GENERATED_ID);
  });
  assert.equal(new Set(calls.map((c) => c.id)).size, calls.length, 'ids are unique');
  for (const id of forbiddenIds) assert.ok(!calls.some((c) => c.id === id), `id ${id} is already used in the conversation`);
}

describe('router with tools', () => {
  let server: FaultServer;
  beforeEach(async () => {
    server = await FaultServer.start();
  });
  afterEach(() => server.close());

  const setup = (models: ChainModel[], extra: Record<string, unknown> = {}) => makeRouter(chainSettings(server.url, models, extra));

  describe('a fault at each position, every pair of protocols', () => {
    const faults: ToolFault[] = ['in-text', 'mid-args', 'after-call', 'between-calls', 'mid-second-call'];
    for (const primary of PROTOCOLS) {
      for (const backup of PROTOCOLS) {
        for (const fault of faults) {
          const stands = fault === 'after-call' || fault === 'between-calls' || fault === 'mid-second-call';
          it(`${primary} → ${backup}, fault ${fault}: ${stands ? 'the complete call stands, no handover' : 'the backup makes the calls'}`, async () => {
            const planned = fault === 'mid-args' || fault === 'after-call' ? [READ] : [READ, SEARCH];
            const planA: ToolPlan = { text: TOOL_TEXT, calls: withIds(primary, planned, 'call_primary_') };
            const planB: ToolPlan = { text: TOOL_TEXT, calls: withIds(backup, planned, 'call_backup_') };
            server.on(pathFor(primary, '/a'), toolFailing(primary, planA, fault));
            server.on(pathFor(backup, '/b'), toolContinuer(backup, planB));
            const result = await route(setup([{ id: 'a', protocol: primary }, { id: 'b', protocol: backup }]).router, REQUEST);

            assert.equal(result.error, undefined, result.error?.message);
            assert.equal(result.text, TOOL_TEXT);
            const [done] = ofType(result.events, 'done');
            assert.equal(done.finishReason, 'tool-calls');
            assert.equal(server.requests('/a').length, 1, 'the primary is asked once');
            if (stands) {
              assertCalls(result, asCalls(planA.calls.slice(0, 1)));
              const [kept] = ofType(result.events, 'tool-calls-kept');
              assert.equal(kept.model, 'a');
              assert.equal(kept.calls, 1);
              assert.equal(kept.error.kind, 'network', kept.error.message);
              assert.equal(ofType(result.events, 'fallback').length, 0);
              assert.equal(server.requests('/b').length, 0, 'a standing call is never sent again');
              assert.equal(done.model, 'a');
            } else {
              assertCalls(result, asCalls(planB.calls));
              const [fallback] = ofType(result.events, 'fallback');
              assert.equal(fallback.phase, 'mid-stream');
              assert.equal(ofType(result.events, 'tool-calls-kept').length, 0);
              assert.equal(server.requests('/b').length, 1);
              assert.equal(done.model, 'b');
            }
          });
        }
      }
    }
  });

  describe('other faults at each position: a stall, an in-band error, a reset', () => {
    const positions: ToolFault[] = ['in-text', 'mid-args', 'between-calls'];
    for (const primary of PROTOCOLS) {
      const backup: ProviderName = primary === 'anthropic' ? 'openai' : 'anthropic';
      for (const ending of ['stall', 'inband', 'reset'] as ToolEnding[]) {
        for (const fault of positions) {
          const stands = fault === 'between-calls';
          it(`${primary} → ${backup}, ${ending} at ${fault}: ${stands ? 'the complete call stands' : 'the backup makes the calls'}`, async () => {
            const planned = fault === 'mid-args' ? [READ] : [READ, SEARCH];
            const planA: ToolPlan = { text: TOOL_TEXT, calls: withIds(primary, planned, 'call_primary_') };
            const planB: ToolPlan = { text: TOOL_TEXT, calls: withIds(backup, planned, 'call_backup_') };
            server.on(pathFor(primary, '/a'), toolFailing(primary, planA, fault, ending));
            server.on(pathFor(backup, '/b'), toolContinuer(backup, planB));
            const result = await route(setup([{ id: 'a', protocol: primary }, { id: 'b', protocol: backup }]).router, REQUEST);
            assert.equal(result.error, undefined, result.error?.message);
            assert.equal(ofType(result.events, 'done')[0].finishReason, 'tool-calls');
            assert.equal(result.text, TOOL_TEXT);
            if (ending === 'reset' && stands && !ofType(result.events, 'tool-calls-kept').length) {
              // The reset overtook the frames of the complete call before the client read them (the
              // kernel discards unread data on a reset), so no call stood: the backup made them all.
              assertCalls(result, asCalls(planB.calls));
              return;
            }
            const kind = ending === 'stall' ? 'timeout' : ending === 'reset' ? 'network' : primary === 'anthropic' || primary === 'gemini' ? 'overloaded' : 'server';
            if (stands) {
              assertCalls(result, asCalls(planA.calls.slice(0, 1)));
              assert.equal(ofType(result.events, 'tool-calls-kept')[0].error.kind, kind);
              assert.equal(server.requests('/b').length, 0);
            } else {
              assertCalls(result, asCalls(planB.calls));
              assert.equal(ofType(result.events, 'fallback')[0].error.kind, kind);
            }
          });
        }
      }
    }
  });

  describe('a conversation with tool history, continued on another protocol', () => {
    for (const primary of PROTOCOLS) {
      for (const backup of PROTOCOLS) {
        it(`history made elsewhere → ${primary} fails in its text → ${backup} continues with the history paired its way`, async () => {
          const plan = (protocol: ProviderName, prefix: string): ToolPlan => ({ text: TOOL_TEXT, calls: withIds(protocol, [READ], prefix) });
          server.on(pathFor(primary, '/a'), toolFailing(primary, plan(primary, 'call_primary_'), 'in-text'));
          server.on(pathFor(backup, '/b'), toolContinuer(backup, plan(backup, 'call_backup_'), { historyCalls: 2 }));
          const result = await route(setup([{ id: 'a', protocol: primary }, { id: 'b', protocol: backup }]).router, { messages: HISTORY, tools: TOOLS });

          assert.equal(result.error, undefined, result.error?.message);
          assert.equal(result.text, TOOL_TEXT);
          assertCalls(result, asCalls(plan(backup, 'call_backup_').calls), HISTORY_CALLS.map((c) => c.id));
          for (const [protocol, prefix] of [[primary, '/a'], [backup, '/b']] as const) {
            const pairs = pairedHistory(protocol, server.requests(prefix)[0].body);
            assert.deepEqual(pairs.map((p) => [p.call.name, p.call.arguments]), HISTORY_CALLS.map((c) => [c.name, c.arguments]), `${protocol}: calls in order`);
            const contents = pairs.map((p) => p.result.content);
            assert.deepEqual(contents, protocol === 'gemini' ? [{ output: READ_RESULT }, { output: SEARCH_RESULT }] : [READ_RESULT, SEARCH_RESULT], `${protocol}: results paired with their calls`);
            if (hasIds(protocol) || protocol === 'gemini') {
              const ids = pairs.map((p) => p.call.id);
              assert.equal(ids[0], CLAUDE_ID, `${protocol}: an id that fits is kept as it is`);
              const oddFits = protocol === 'openai-responses' || protocol === 'gemini';
              assert.equal(ids[1] === ODD_ID, oddFits, `${protocol}: ${ODD_ID} ${oddFits ? 'is kept' : 'is mapped'}`);
            }
          }
        });
      }
    }

    it('the same odd id maps to the same stand-in on every request (stable pairing)', async () => {
      server.on(pathFor('openai', '/a'), toolFailing('openai', { text: TOOL_TEXT, calls: withIds('openai', [READ], 'call_a') }, 'in-text'));
      server.on(pathFor('anthropic', '/b'), toolContinuer('anthropic', { text: TOOL_TEXT, calls: withIds('anthropic', [READ], 'toolu_b') }, { historyCalls: 2 }));
      await route(setup([{ id: 'a', protocol: 'openai' }, { id: 'b', protocol: 'anthropic' }]).router, { messages: HISTORY, tools: TOOLS });
      await route(setup([{ id: 'a', protocol: 'openai' }, { id: 'b', protocol: 'anthropic' }]).router, { messages: HISTORY, tools: TOOLS });
      const first = callsIn('anthropic', server.requests('/b')[0].body).map((c) => c.id);
      const second = callsIn('anthropic', server.requests('/b')[1].body).map((c) => c.id);
      assert.deepEqual(first, second);
      assert.match(first[1]!, /^call_[0-9a-f]{16}$/);
    });
  });

  describe('ids', () => {
    for (const protocol of ['openai', 'openai-responses', 'anthropic'] as ProviderName[]) {
      it(`${protocol}: a call that reuses an id of the conversation gets a fresh one, with a warning`, async () => {
        server.on(pathFor(protocol, '/a'), toolContinuer(protocol, { text: 'Again.', calls: [{ ...READ, id: CLAUDE_ID }] }, { historyCalls: 2 }));
        const result = await route(setup([{ id: 'a', protocol }]).router, { messages: HISTORY, tools: TOOLS });
        assert.equal(result.error, undefined, result.error?.message);
        const [call] = ofType(result.events, 'tool-call').map((e) => e.call);
        assert.match(call.id, GENERATED_ID);
        assert.match(ofType(result.events, 'warning')[0].message, new RegExp(`reused the tool call id "${CLAUDE_ID}"`));
      });
    }

    it('gemini and ollama calls get generated ids, unique within the turn', async () => {
      for (const protocol of ['gemini', 'ollama'] as ProviderName[]) {
        server.on(pathFor(protocol, '/a'), toolContinuer(protocol, { text: TOOL_TEXT, calls: [READ, READ, SEARCH] }));
        const result = await route(setup([{ id: 'a', protocol }]).router, REQUEST);
        assertCalls(result, asCalls([READ, READ, SEARCH]));
      }
    });
  });

  describe('argument deltas are provider activity', () => {
    // 28 pieces 80 ms apart: over 2 s of arguments against a 700 ms idle limit, with room for a loaded machine.
    const LONG = { name: 'search', json: JSON.stringify({ query: 'TODO — 完成 '.repeat(6), paths: ['src', 'test'], limit: 5 }) };
    const patient = { timeouts: { firstTokenMs: 700, idleMs: 700, totalMs: 20_000 } };
    for (const protocol of ['openai', 'openai-responses', 'anthropic'] as ProviderName[]) {
      const paced = (plan: ToolPlan) => {
        const frames = toolFrames(protocol, plan);
        const cuts: number[] = [];
        let offset = 0;
        for (const frame of frames) {
          offset += Buffer.byteLength(frame);
          if (/"(arguments|partial_json|delta)":"[^"]/.test(frame) && /tool_calls|input_json_delta|function_call_arguments/.test(frame)) cuts.push(offset);
        }
        return stream(frames.join(''), { cuts, delayMs: 80, headers: { 'content-type': WIRES[protocol].contentType } });
      };

      it(`${protocol}: a long argument object streaming in slowly does not look like a stall`, async () => {
        const plan: ToolPlan = { text: 'Searching.', calls: withIds(protocol, [LONG], 'call_slow_') };
        server.on(pathFor(protocol, '/a'), paced(plan));
        server.on(pathFor('gemini', '/b'), toolContinuer('gemini', { text: 'Searching.', calls: [LONG] }));
        const result = await route(setup([{ id: 'a', protocol }, { id: 'b', protocol: 'gemini' }], patient).router, REQUEST);
        assert.equal(result.error, undefined, result.error?.message);
        assert.ok(result.elapsedMs > 2000, `the arguments took ${result.elapsedMs} ms`);
        assert.deepEqual(ofType(result.events, 'fallback'), []);
        assert.equal(server.requests('/b').length, 0);
        assertCalls(result, asCalls(plan.calls));
      });

      it(`${protocol}: a reply that starts with a slow tool call has its first token in time`, async () => {
        const plan: ToolPlan = { text: '', calls: withIds(protocol, [LONG], 'call_first_') };
        server.on(pathFor(protocol, '/a'), paced(plan));
        server.on(pathFor('gemini', '/b'), toolContinuer('gemini', { text: '', calls: [LONG] }));
        const result = await route(setup([{ id: 'a', protocol }, { id: 'b', protocol: 'gemini' }], patient).router, REQUEST);
        assert.equal(result.error, undefined, result.error?.message);
        assert.equal(result.text, '');
        assert.deepEqual(ofType(result.events, 'fallback'), []);
        assertCalls(result, asCalls(plan.calls));
      });
    }
  });

  describe('models that cannot call tools', () => {
    it('are skipped with a clear reason when the request has tools', async () => {
      server.on(pathFor('openai', '/a'), toolFailing('openai', { text: TOOL_TEXT, calls: withIds('openai', [READ], 'call_a') }, 'mid-args'));
      server.on(pathFor('gemini', '/c'), toolContinuer('gemini', { text: TOOL_TEXT, calls: [READ] }));
      const { router } = setup([{ id: 'a', protocol: 'openai' }, { id: 'b', protocol: 'anthropic', tools: false }, { id: 'c', protocol: 'gemini' }]);
      const result = await route(router, REQUEST);
      assert.equal(result.error, undefined, result.error?.message);
      const [skip] = ofType(result.events, 'skip');
      assert.equal(skip.model, 'b');
      assert.match(skip.reason, /cannot call tools \("tools": false/);
      assert.equal(server.requests('/b').length, 0);
      assert.equal(ofType(result.events, 'fallback')[0].to, 'c');
      assertCalls(result, asCalls([READ]));
    });

    it('are skipped for a conversation with tool history, even without tools offered', async () => {
      server.on(pathFor('anthropic', '/c'), toolContinuer('anthropic', { text: 'Done.', calls: [] }, { historyCalls: 2 }));
      const result = await route(setup([{ id: 'b', protocol: 'openai', tools: false }, { id: 'c', protocol: 'anthropic' }]).router, { messages: HISTORY });
      assert.equal(result.error, undefined, result.error?.message);
      assert.equal(result.text, 'Done.');
      assert.equal(ofType(result.events, 'skip')[0].model, 'b');
    });

    it('are used as usual for a request without tools', async () => {
      server.on(pathFor('openai', '/b'), toolContinuer('openai', { text: 'Plain answer.', calls: [] }));
      const result = await route(setup([{ id: 'b', protocol: 'openai', tools: false }]).router);
      assert.equal(result.text, 'Plain answer.');
      assert.deepEqual(ofType(result.events, 'skip'), []);
    });

    it('when no model in the chain can call tools, the request fails at once with the fix', async () => {
      const result = await route(setup([{ id: 'a', protocol: 'openai', tools: false }, { id: 'b', protocol: 'ollama', tools: false }]).router, REQUEST);
      assert.equal(result.error?.kind, 'bad-request');
      assert.match(result.error!.message, /no model in the chain can call tools \(a, b all have "tools": false\); add a model that can/);
      assert.equal(server.received.length, 0);
    });
  });

  it('a backup continuing by instruction is told the call is still wanted, and gets the tools and the tool choice', async () => {
    server.on(pathFor('openai', '/a'), toolFailing('openai', { text: TOOL_TEXT, calls: withIds('openai', [READ], 'call_a') }, 'mid-args'));
    server.on(pathFor('openai', '/b'), toolContinuer('openai', { text: TOOL_TEXT, calls: withIds('openai', [READ], 'call_b') }));
    const result = await route(setup([{ id: 'a', protocol: 'openai' }, { id: 'b', protocol: 'openai' }]).router, { ...REQUEST, toolChoice: 'required' });
    assert.equal(result.error, undefined, result.error?.message);
    const body = server.requests('/b')[0].body;
    assert.deepEqual(body.tools.map((t: any) => t.function.name), ['read_file', 'search']);
    assert.equal(body.tool_choice, 'required');
    const last = body.messages[body.messages.length - 1];
    assert.equal(last.role, 'user');
    assert.match(last.content, /was cut off.*If the reply was about to call a tool, make that call\.$/s);
    // The backup sees the partial up to its last visible character (the seam restores the rest).
    assert.equal(body.messages[body.messages.length - 2].content, TOOL_TEXT.trimEnd());
  });
});
