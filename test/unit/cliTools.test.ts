import * as assert from 'node:assert/strict';
import type { ProviderName } from '../../src/core/settings/types';
import { runCli, scratchFile, writeSettings } from '../support/cli';
import { FaultServer } from '../support/faultServer';
import { baseUrlFor, pathFor } from '../support/models';
import { HISTORY, READ, SEARCH, TOOL_TEXT, TOOLS } from '../support/toolPlans';
import { pairedHistory } from '../support/toolRequests';
import { toolAnswer, toolFailing } from '../support/toolWire';

const FAST = { timeouts: { firstTokenMs: 2000, idleMs: 500, totalMs: 10000 }, retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20, maxRetryAfterMs: 100 } };
const READ_LINE = '{"type":"tool-call","id":"call_r1","name":"read_file","arguments":{"path":"src/main.ts"}}';
const SEARCH_LINE = '{"type":"tool-call","id":"call_s2","name":"search","arguments":{"query":"TODO — 完成","paths":["src","test"],"limit":5}}';
const CALLS = [{ ...READ, id: 'call_r1' }, { ...SEARCH, id: 'call_s2' }];

function writeJson(name: string, value: unknown): string {
  return scratchFile(name, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
}

describe('baton chat with tools (as a process)', function () {
  this.timeout(20_000);
  let server: FaultServer;
  beforeEach(async () => {
    server = await FaultServer.start();
  });
  afterEach(() => server.close());

  const settings = (...protocols: ProviderName[]) => writeSettings({
    models: protocols.map((protocol, i) => ({ id: 'abc'[i], provider: protocol, model: 'test-model', baseUrl: baseUrlFor(server.url, protocol, `/${'abc'[i]}`) })),
    fallbacks: protocols.length > 1 ? { a: protocols.slice(1).map((_, i) => 'abc'[i + 1]) } : {},
    defaultModel: 'a',
    ...FAST,
  });
  const tools = () => writeJson('tools.json', TOOLS);

  it('--json prints each complete call as one tool-call line, and done carries finishReason tool-calls; exit 0', async () => {
    server.on(pathFor('openai', '/a'), toolAnswer('openai', { text: TOOL_TEXT, calls: CALLS }));
    const result = await runCli(['chat', '--json', '--settings', settings('openai'), '--tools', tools(), 'Check main.ts']);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.deepEqual(lines.filter((l) => l.includes('"tool-call"')), [READ_LINE, SEARCH_LINE]);
    const events = lines.map((l) => JSON.parse(l));
    assert.equal(events.filter((e) => e.type === 'text').map((e) => e.text).join(''), TOOL_TEXT);
    const done = events[events.length - 1];
    assert.equal(done.type, 'done');
    assert.equal(done.finishReason, 'tool-calls');
    assert.deepEqual(server.received[0].body.tools.map((t: any) => t.function.name), ['read_file', 'search']);
  });

  for (const protocol of ['anthropic', 'gemini'] as ProviderName[]) {
    it(`without --json, ${protocol}: the text, then one JSON line per call on stdout; exit 0`, async () => {
      const text = 'Two calls coming — 完成';
      server.on(pathFor(protocol, '/a'), toolAnswer(protocol, { text, calls: protocol === 'gemini' ? [READ, SEARCH] : CALLS }));
      const result = await runCli(['chat', '--settings', settings(protocol), '--tools', tools(), 'Check main.ts']);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stderr, '');
      const [shown, ...calls] = result.stdout.split('\n');
      assert.equal(shown, text, 'a newline separates the text from the calls');
      assert.equal(calls.pop(), '', 'the output ends with a newline');
      const parsed = calls.map((line) => JSON.parse(line));
      assert.deepEqual(parsed.map((c) => [c.type, c.name, c.arguments]), [
        ['tool-call', 'read_file', { path: 'src/main.ts' }],
        ['tool-call', 'search', { query: 'TODO — 完成', paths: ['src', 'test'], limit: 5 }],
      ]);
      if (protocol === 'anthropic') assert.deepEqual(calls, [READ_LINE, SEARCH_LINE]);
    });
  }

  it('a primary that fails after a complete call: the call stands, stderr says so, exit 0', async () => {
    server.on(pathFor('openai-responses', '/a'), toolFailing('openai-responses', { text: TOOL_TEXT, calls: CALLS }, 'between-calls'));
    server.on(pathFor('anthropic', '/b'), toolAnswer('anthropic', { text: 'never asked', calls: [] }));
    const result = await runCli(['chat', '--settings', settings('openai-responses', 'anthropic'), '--tools', tools(), 'Check main.ts']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${TOOL_TEXT}${READ_LINE}\n`);
    assert.match(result.stderr, /^baton: a failed after 1 complete tool call: connection failed .* the turn ends with it, no handover/m);
    assert.equal(server.requests('/b').length, 0);
  });

  it('--messages sends the conversation with its tool history; the prompt is optional', async () => {
    server.on(pathFor('anthropic', '/a'), toolAnswer('anthropic', { text: 'Fixed.', calls: [] }));
    const messages = writeJson('messages.json', HISTORY.map((m) => (m.role === 'tool' ? { role: 'tool', toolCallId: m.toolCallId, content: m.content } : m)));
    const result = await runCli(['chat', '--settings', settings('anthropic'), '--tools', tools(), '--messages', messages]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'Fixed.');
    const body = server.received[0].body;
    assert.equal(pairedHistory('anthropic', body).length, 2);
    assert.deepEqual(body.messages[2].content[2], { type: 'text', text: 'Fix the first TODO.' });
  });

  it('--messages with a PROMPT adds it as the last user message', async () => {
    server.on(pathFor('openai', '/a'), toolAnswer('openai', { text: 'Sure.', calls: [] }));
    const messages = writeJson('messages.json', [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello!' }]);
    const result = await runCli(['chat', '--settings', settings('openai'), '--messages', messages, 'And now?']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(server.received[0].body.messages, [
      { role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello!' }, { role: 'user', content: 'And now?' },
    ]);
  });

  const badFiles: [string, string[], () => string[], RegExp][] = [
    ['a missing tools file', [], () => ['--tools', '/nonexistent/tools.json'], /^baton: --tools: no file at \/nonexistent\/tools\.json$/m],
    ['a tools file that is not JSON', [], () => ['--tools', writeJson('t.json', '[{"name": "x",]')], /--tools: .*t\.json is not valid JSON \(.*\); the file must hold one JSON array/],
    ['a tools file that is an object', [], () => ['--tools', writeJson('t.json', { name: 'read_file' })], /tools: expected a JSON array of tools such as \[\{ "name": "read_file"/],
    ['a tool with a bad name and a string schema', [], () => ['--tools', writeJson('t.json', [{ name: 'read file', parameters: '{}' }])],
      /tools\[0\]\.name: "read file": expected 1 to 64 letters, digits, "_" or "-"[\s\S]*tools\[0\]\.parameters: expected a JSON Schema/],
    ['a call without its result', [], () => ['--messages', writeJson('m.json', [HISTORY[0], HISTORY[1], HISTORY[4]])],
      /messages\[1\]\.toolCalls\[0\]: the call to "read_file" \(id "toolu_01FdPq9zXw2LmN4bV7cR8tYk"\) has no result before messages\[2\]; add \{ "role": "tool", "toolCallId": "toolu_01FdPq9zXw2LmN4bV7cR8tYk"/],
    ['a result for an unknown call', [], () => ['--messages', writeJson('m.json', [HISTORY[0], { role: 'tool', toolCallId: 'call_nope', content: 'x' }])],
      /messages\[1\]\.toolCallId: "call_nope" does not answer a call of the assistant message before it/],
    ['arguments given as a JSON string', [], () => ['--messages', writeJson('m.json', [HISTORY[0], { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'read_file', arguments: '{"path":"a"}' }] }])],
      /messages\[1\]\.toolCalls\[0\]\.arguments: expected the arguments as a JSON object \(not a string of JSON\)/],
  ];
  for (const [name, , args, pattern] of badFiles) {
    it(`${name}: exit 2 with the problem and the fix, no request sent`, async () => {
      const result = await runCli(['chat', '--settings', settings('openai'), ...args(), 'hi']);
      assert.equal(result.code, 2);
      assert.match(result.stderr, pattern);
      assert.equal(result.stdout, '');
      assert.equal(server.received.length, 0);
    });
  }
});
