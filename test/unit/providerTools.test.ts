import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChatRequest, ToolChoice } from '../../src/core/chat';
import { providerFor } from '../../src/core/providers';
import type { ModelConfig, ProviderName } from '../../src/core/settings/types';
import type { StreamPart } from '../../src/core/streamPart';
import { collect } from '../support/collect';
import { FaultServer } from '../support/faultServer';
import { baseUrlFor, pathFor } from '../support/models';
import { awkwardCuts, stream } from '../support/scripts';
import { CLAUDE_ID, HISTORY, ODD_ID, READ_RESULT, SEARCH_RESULT, TOOLS } from '../support/toolPlans';
import { PROTOCOLS, WIRES } from '../support/wire';

const FIXTURES = path.join(__dirname, '../../../test/fixtures');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

const TOOL_FIXTURE: Record<ProviderName, { file: string; ids?: [string, string] }> = {
  openai: { file: 'openai-chat-tools.sse', ids: ['call_Kd8Rw2nQpZ4vTx0LbY6mHcEa', 'call_f3JtU9sXcV1bN7qWe5RzA2gM'] },
  'openai-responses': { file: 'openai-responses-tools.sse', ids: ['call_7VaiUXZYq2RwWwviCrckxq6t', 'call_Ht3mP0sLk9JdNf4bRz8yQe1W'] },
  anthropic: { file: 'anthropic-tools.sse', ids: ['toolu_01RX68weRSquLx6HUTj65iBo', 'toolu_01Ab3cDe4FgH5iJk6LmN7oPq'] },
  gemini: { file: 'gemini-tools.sse' },
  ollama: { file: 'ollama-tools.ndjson' },
};
const FIXTURE_TEXT = "I'll read the entry point and search for open TODOs — both at once. ✓";
const FIXTURE_CALLS = [
  { name: 'read_file', arguments: { path: 'src/main.ts' } },
  { name: 'search', arguments: { query: 'TODO — 完成', paths: ['src', 'test'], limit: 5 } },
];

const calls = (parts: StreamPart[]) => parts.flatMap((p) => (p.type === 'tool-call' ? [p.call] : []));

describe('providers with tools', () => {
  let server: FaultServer;
  beforeEach(async () => {
    server = await FaultServer.start();
  });
  afterEach(() => server.close());

  const model = (protocol: ProviderName): ModelConfig => ({
    id: 'm1', provider: protocol, model: protocol === 'gemini' ? 'gemini-2.5-flash' : 'test-model', baseUrl: baseUrlFor(server.url, protocol, '/p'),
  });
  const run = (protocol: ProviderName, request: ChatRequest) =>
    collect(providerFor(protocol).stream({ model: model(protocol), apiKey: 'sk-test-key-123456', request }, new AbortController().signal));
  const serve = (protocol: ProviderName, body: string | string[]) => server.on(pathFor(protocol, '/p'), stream(body, { headers: { 'content-type': WIRES[protocol].contentType } }));
  const ask: ChatRequest = { messages: [{ role: 'user', content: 'Read main.ts and find the TODOs.' }], tools: TOOLS };

  for (const protocol of PROTOCOLS) {
    describe(protocol, () => {
      it('reads a recorded tool-calling stream, split at every awkward byte boundary, into text then two whole calls', async () => {
        const { file, ids } = TOOL_FIXTURE[protocol];
        const body = fixture(file);
        server.on(pathFor(protocol, '/p'), stream(body, { cuts: awkwardCuts(body), delayMs: 1, headers: { 'content-type': WIRES[protocol].contentType } }));
        const result = await run(protocol, ask);
        assert.equal(result.error, undefined, result.error?.message);
        assert.equal(result.text, FIXTURE_TEXT);
        const got = calls(result.parts);
        assert.deepEqual(got.map(({ name, arguments: args }) => ({ name, arguments: args })), FIXTURE_CALLS);
        if (ids) assert.deepEqual(got.map((c) => c.id), ids);
        else for (const call of got) assert.match(call.id, /^call_[A-Za-z0-9]{24}$/);
        assert.notEqual(got[0].id, got[1].id);
        assert.equal(result.finish, 'tool-calls');
        assert.deepEqual(result.warnings, []);
        const firstCall = result.parts.findIndex((p) => p.type === 'tool-call');
        assert.ok(result.parts.slice(firstCall).every((p) => p.type !== 'text'), 'the text comes before the calls');
        if (protocol !== 'gemini' && protocol !== 'ollama') {
          assert.ok(result.parts.some((p) => p.type === 'tool-call-progress'), 'argument pieces are reported as activity');
        }
      });

      it('sends tools, the tool choice and a tool history in its own wire format', async () => {
        serve(protocol, fixture(TOOL_FIXTURE[protocol].file));
        const history = HISTORY.map((m) => (m.role === 'tool' && m.name === 'search' ? { ...m, isError: true } : m));
        await run(protocol, { system: 'Be brief.', messages: history, tools: TOOLS, toolChoice: { name: 'read_file' } });
        const body = server.received[0].body;
        const mapped = protocol === 'openai' ? body.messages[2].tool_calls[1].id : protocol === 'anthropic' ? body.messages[1].content[2].id : ODD_ID;
        if (protocol === 'openai' || protocol === 'anthropic') assert.match(mapped, /^call_[0-9a-f]{16}$/);
        assert.deepEqual(pick(protocol, body), EXPECTED_BODY(mapped)[protocol]);
      });

      it('maps every tool choice', async () => {
        const choices: ToolChoice[] = ['auto', 'none', 'required', { name: 'search' }];
        for (const toolChoice of choices) {
          serve(protocol, fixture(TOOL_FIXTURE[protocol].file));
          await run(protocol, { ...ask, toolChoice });
        }
        const sent = server.received.map((r) => choiceOf(protocol, r.body));
        assert.deepEqual(sent, EXPECTED_CHOICES[protocol]);
      });
    });
  }

  describe('calls that are not whole', () => {
    const openaiChunk = (delta: unknown, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

    it('openai: arguments that never form a JSON object fail the stream as a protocol error naming the call', async () => {
      serve('openai', [
        openaiChunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '' } }] }),
        openaiChunk({ tool_calls: [{ index: 0, function: { arguments: '{"path": "src/' } }] }),
        openaiChunk({}, 'tool_calls'),
        'data: [DONE]\n\n',
      ]);
      const result = await run('openai', ask);
      assert.equal(result.error?.kind, 'protocol');
      assert.match(result.error!.message, /call to "read_file" whose arguments are not a JSON object: \{"path": "src\//);
      assert.deepEqual(calls(result.parts), []);
    });

    it('openai: a call is complete the moment its argument object closes, even with braces, quotes and backslashes in its strings', async () => {
      const content = 'function f() {\n\treturn "}\\\\";\n}\n// 完成 {';
      const json = JSON.stringify({ path: 'src/f.ts', content });
      const pieces: string[] = [];
      for (let i = 0; i < json.length; i += 3) pieces.push(json.slice(i, i + 3));
      server.on(pathFor('openai', '/p'), stream([
        openaiChunk({ tool_calls: [{ index: 0, id: 'call_w', type: 'function', function: { name: 'write_file', arguments: '' } }] }),
        ...pieces.map((p) => openaiChunk({ tool_calls: [{ index: 0, function: { arguments: p } }] })),
      ], { headers: { 'content-type': 'text/event-stream' }, then: 'cut' }));
      const result = await run('openai', ask);
      assert.equal(result.error?.kind, 'network', 'the stream was cut before its finish reason');
      assert.deepEqual(calls(result.parts), [{ id: 'call_w', name: 'write_file', arguments: { path: 'src/f.ts', content } }]);
    });

    it('openai: a call cut by the token limit is dropped with a warning, and the finish says length', async () => {
      serve('openai', [
        openaiChunk({ content: 'Reading.' }),
        openaiChunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"pa' } }] }),
        openaiChunk({}, 'length'),
        'data: [DONE]\n\n',
      ]);
      const result = await run('openai', ask);
      assert.equal(result.error, undefined, result.error?.message);
      assert.equal(result.finish, 'length');
      assert.deepEqual(calls(result.parts), []);
      assert.match(result.warnings[0], /dropped the unfinished call to "read_file"/);
    });

    it('openai-compatible: parallel calls all sent whole at index 0 (Ollama\'s compatible API) are two calls', async () => {
      serve('openai', [
        openaiChunk({ role: 'assistant', content: '', tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'read_file', arguments: '{"path":"a.ts"}' } }] }),
        openaiChunk({ tool_calls: [{ index: 0, id: 'call_b', type: 'function', function: { name: 'read_file', arguments: '{"path":"b.ts"}' } }] }),
        openaiChunk({}, 'tool_calls'),
        'data: [DONE]\n\n',
      ]);
      const result = await run('openai', ask);
      assert.deepEqual(calls(result.parts), [
        { id: 'call_a', name: 'read_file', arguments: { path: 'a.ts' } },
        { id: 'call_b', name: 'read_file', arguments: { path: 'b.ts' } },
      ]);
    });

    it('openai-compatible: a fresh id on every piece of one call (LM Studio) is one call with the first id', async () => {
      serve('openai', [
        openaiChunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'search', arguments: '{"query":' } }] }),
        openaiChunk({ tool_calls: [{ index: 0, id: 'call_2', function: { arguments: '"x"' } }] }),
        openaiChunk({ tool_calls: [{ index: 0, id: 'call_3', function: { arguments: '}' } }] }),
        openaiChunk({}, 'stop'),
        'data: [DONE]\n\n',
      ]);
      const result = await run('openai', ask);
      assert.deepEqual(calls(result.parts), [{ id: 'call_1', name: 'search', arguments: { query: 'x' } }]);
      assert.equal(result.finish, 'tool-calls', 'a turn with calls finishes with tool-calls even when the server says stop');
    });

    it('anthropic: a tool_use block whose JSON is broken at content_block_stop is a protocol error', async () => {
      const ev = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
      serve('anthropic', [
        ...WIRES.anthropic.head(),
        ev('content_block_start', { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_1', name: 'search', input: {} } }),
        ev('content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"query": tr' } }),
        ev('content_block_stop', { type: 'content_block_stop', index: 1 }),
      ]);
      const result = await run('anthropic', ask);
      assert.equal(result.error?.kind, 'protocol');
      assert.match(result.error!.message, /call to "search"/);
    });

    it('anthropic: a tool without parameters (no argument pieces) is called with {}', async () => {
      serve('anthropic', fixture('anthropic-tools.sse').replace(/event: content_block_delta\ndata: \{[^\n]*"index":2,"delta":\{"type":"input_json_delta","partial_json":"[^"][^\n]*\n\n/g, ''));
      const result = await run('anthropic', ask);
      assert.equal(result.error, undefined, result.error?.message);
      assert.deepEqual(calls(result.parts)[1], { id: 'toolu_01Ab3cDe4FgH5iJk6LmN7oPq', name: 'search', arguments: {} });
    });

    it('gemini: MALFORMED_FUNCTION_CALL is a protocol error (the backup can make the call), not a finished answer', async () => {
      serve('gemini', `data: ${JSON.stringify({ candidates: [{ content: { role: 'model' }, finishReason: 'MALFORMED_FUNCTION_CALL', index: 0 }] })}\r\n\r\n`);
      const result = await run('gemini', ask);
      assert.equal(result.error?.kind, 'protocol');
      assert.match(result.error!.message, /malformed function call/);
    });

    it('ollama: arguments sent as JSON text are parsed like an object', async () => {
      serve('ollama', [
        `${JSON.stringify({ model: 'm', message: { role: 'assistant', content: '', tool_calls: [{ id: 'call_x1', function: { index: 0, name: 'read_file', arguments: '{"path":"a.ts"}' } }] }, done: false })}\n`,
        ...WIRES.ollama.tail(),
      ]);
      const result = await run('ollama', ask);
      assert.deepEqual(calls(result.parts), [{ id: 'call_x1', name: 'read_file', arguments: { path: 'a.ts' } }]);
      assert.equal(result.finish, 'tool-calls');
    });
  });
});

/** The fields of a request body that carry the conversation and the tools. */
function pick(protocol: ProviderName, body: any): unknown {
  switch (protocol) {
    case 'openai': return { messages: body.messages, tools: body.tools, tool_choice: body.tool_choice };
    case 'openai-responses': return { instructions: body.instructions, input: body.input, tools: body.tools, tool_choice: body.tool_choice };
    case 'anthropic': return { system: body.system, messages: body.messages, tools: body.tools, tool_choice: body.tool_choice };
    case 'gemini': return { systemInstruction: body.systemInstruction, contents: body.contents, tools: body.tools, toolConfig: body.toolConfig };
    case 'ollama': return { messages: body.messages, tools: body.tools };
  }
}

function choiceOf(protocol: ProviderName, body: any): unknown {
  switch (protocol) {
    case 'openai': case 'openai-responses': case 'anthropic': return body.tool_choice;
    case 'gemini': return body.toolConfig;
    case 'ollama': return (body.tools ?? []).length;
  }
}

const READ_SCHEMA = TOOLS[0].parameters;
const SEARCH_SCHEMA = TOOLS[1].parameters;
const READ_ARGS = { path: 'tsconfig.json' };
const SEARCH_ARGS = { query: 'TODO — 完成', paths: ['src'], limit: 2 };
/**
 * What each protocol must receive for HISTORY (the search result marked as an error). `mapped` is
 * the stand-in the protocol got for ODD_ID, which OpenAI (over 40 characters) and Anthropic
 * (`.` and `:`) cannot carry; the test checks its shape and that call and result share it.
 */
const EXPECTED_BODY = (mapped: string): Record<ProviderName, unknown> => ({
  openai: {
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Why does the build fail?' },
      {
        role: 'assistant', content: 'Let me look at the config and the TODOs.', tool_calls: [
          { id: CLAUDE_ID, type: 'function', function: { name: 'read_file', arguments: JSON.stringify(READ_ARGS) } },
          { id: mapped, type: 'function', function: { name: 'search', arguments: JSON.stringify(SEARCH_ARGS) } },
        ],
      },
      { role: 'tool', tool_call_id: CLAUDE_ID, content: READ_RESULT },
      { role: 'tool', tool_call_id: mapped, content: SEARCH_RESULT },
      { role: 'user', content: 'Fix the first TODO.' },
    ],
    tools: [
      { type: 'function', function: { name: 'read_file', description: 'Read a file of the workspace.', parameters: READ_SCHEMA } },
      { type: 'function', function: { name: 'search', description: 'Search the workspace for a text.', parameters: SEARCH_SCHEMA } },
    ],
    tool_choice: { type: 'function', function: { name: 'read_file' } },
  },
  'openai-responses': {
    instructions: 'Be brief.',
    input: [
      { role: 'user', content: 'Why does the build fail?' },
      { role: 'assistant', content: 'Let me look at the config and the TODOs.' },
      { type: 'function_call', call_id: CLAUDE_ID, name: 'read_file', arguments: JSON.stringify(READ_ARGS) },
      { type: 'function_call', call_id: ODD_ID, name: 'search', arguments: JSON.stringify(SEARCH_ARGS) },
      { type: 'function_call_output', call_id: CLAUDE_ID, output: READ_RESULT },
      { type: 'function_call_output', call_id: ODD_ID, output: SEARCH_RESULT },
      { role: 'user', content: 'Fix the first TODO.' },
    ],
    tools: [
      { type: 'function', name: 'read_file', description: 'Read a file of the workspace.', parameters: READ_SCHEMA, strict: false },
      { type: 'function', name: 'search', description: 'Search the workspace for a text.', parameters: SEARCH_SCHEMA, strict: false },
    ],
    tool_choice: { type: 'function', name: 'read_file' },
  },
  anthropic: {
    system: 'Be brief.',
    messages: [
      { role: 'user', content: 'Why does the build fail?' },
      {
        role: 'assistant', content: [
          { type: 'text', text: 'Let me look at the config and the TODOs.' },
          { type: 'tool_use', id: CLAUDE_ID, name: 'read_file', input: READ_ARGS },
          { type: 'tool_use', id: mapped, name: 'search', input: SEARCH_ARGS },
        ],
      },
      {
        role: 'user', content: [
          { type: 'tool_result', tool_use_id: CLAUDE_ID, content: READ_RESULT },
          { type: 'tool_result', tool_use_id: mapped, content: SEARCH_RESULT, is_error: true },
          { type: 'text', text: 'Fix the first TODO.' },
        ],
      },
    ],
    tools: [
      { name: 'read_file', description: 'Read a file of the workspace.', input_schema: READ_SCHEMA },
      { name: 'search', description: 'Search the workspace for a text.', input_schema: SEARCH_SCHEMA },
    ],
    tool_choice: { type: 'tool', name: 'read_file' },
  },
  gemini: {
    systemInstruction: { parts: [{ text: 'Be brief.' }] },
    contents: [
      { role: 'user', parts: [{ text: 'Why does the build fail?' }] },
      {
        role: 'model', parts: [
          { text: 'Let me look at the config and the TODOs.' },
          { functionCall: { id: CLAUDE_ID, name: 'read_file', args: READ_ARGS }, thoughtSignature: 'skip_thought_signature_validator' },
          { functionCall: { id: ODD_ID, name: 'search', args: SEARCH_ARGS } },
        ],
      },
      {
        role: 'user', parts: [
          { functionResponse: { id: CLAUDE_ID, name: 'read_file', response: { output: READ_RESULT } } },
          { functionResponse: { id: ODD_ID, name: 'search', response: { error: SEARCH_RESULT } } },
          { text: 'Fix the first TODO.' },
        ],
      },
    ],
    tools: [{
      functionDeclarations: [
        { name: 'read_file', description: 'Read a file of the workspace.', parametersJsonSchema: READ_SCHEMA },
        { name: 'search', description: 'Search the workspace for a text.', parametersJsonSchema: SEARCH_SCHEMA },
      ],
    }],
    toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['read_file'] } },
  },
  ollama: {
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Why does the build fail?' },
      {
        role: 'assistant', content: 'Let me look at the config and the TODOs.', tool_calls: [
          { function: { name: 'read_file', arguments: READ_ARGS } },
          { function: { name: 'search', arguments: SEARCH_ARGS } },
        ],
      },
      { role: 'tool', content: READ_RESULT, tool_name: 'read_file' },
      { role: 'tool', content: SEARCH_RESULT, tool_name: 'search' },
      { role: 'user', content: 'Fix the first TODO.' },
    ],
    tools: [
      { type: 'function', function: { name: 'read_file', description: 'Read a file of the workspace.', parameters: READ_SCHEMA } },
      { type: 'function', function: { name: 'search', description: 'Search the workspace for a text.', parameters: SEARCH_SCHEMA } },
    ],
  },
});

const EXPECTED_CHOICES: Record<ProviderName, unknown[]> = {
  openai: ['auto', 'none', 'required', { type: 'function', function: { name: 'search' } }],
  'openai-responses': ['auto', 'none', 'required', { type: 'function', name: 'search' }],
  anthropic: [{ type: 'auto' }, { type: 'none' }, { type: 'any' }, { type: 'tool', name: 'search' }],
  gemini: [
    { functionCallingConfig: { mode: 'AUTO' } },
    { functionCallingConfig: { mode: 'NONE' } },
    { functionCallingConfig: { mode: 'ANY' } },
    { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['search'] } },
  ],
  // Ollama has no tool choice: `none` sends no tools, the others send both.
  ollama: [2, 0, 2, 2],
};
