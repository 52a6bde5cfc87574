import * as assert from 'assert';
import { BatonError } from '../../src/core/errors';
import { requestFailed, unknownModel } from '../../src/core/lm/failure';
import { LmMessage, toChatRequest } from '../../src/core/lm/messages';
import { RouterError } from '../../src/core/router/routerError';

const CODE = 'function total(cart) {\n\treturn cart.items\n\t\t.map((i) => i.price * i.qty)\n\t\t.reduce((a, b) => a + b, 0);\n}\n';
const user = (...texts: string[]): LmMessage => ({ role: 'user', parts: texts.map((text) => ({ type: 'text', text })) });

describe('language models: editor messages to a Baton request', () => {
  it('joins the text parts of a message exactly as given, nothing added between them', () => {
    const { request } = toChatRequest([user('Explain this:\n', '```js\n', CODE, '```'), { role: 'assistant', parts: [{ type: 'text', text: '它把每一行的价格相加 🧮\n\n' }, { type: 'text', text: '  indented tail' }] }, user('谢谢')]);
    assert.deepStrictEqual(request.messages, [
      { role: 'user', content: `Explain this:\n\`\`\`js\n${CODE}\`\`\`` },
      { role: 'assistant', content: '它把每一行的价格相加 🧮\n\n  indented tail' },
      { role: 'user', content: '谢谢' },
    ]);
    assert.strictEqual(request.system, undefined);
    assert.strictEqual(request.tools, undefined);
  });

  it('makes system messages the system prompt, in order, wherever they stand', () => {
    const { request } = toChatRequest([
      { role: 'system', parts: [{ type: 'text', text: 'You are a careful reviewer.' }] },
      user('Hi'),
      { role: 'system', parts: [{ type: 'text', text: 'Answer in\tplain text.' }] },
    ]);
    assert.strictEqual(request.system, 'You are a careful reviewer.\n\nAnswer in\tplain text.');
    assert.deepStrictEqual(request.messages, [{ role: 'user', content: 'Hi' }]);
  });

  it('keeps tool calls on the assistant turn and sends each result as a tool message paired with its call', () => {
    const input = { path: 'src/cart.ts', range: { start: 1, end: 40 } };
    const { request } = toChatRequest([
      user('What does total() do?'),
      { role: 'assistant', parts: [
        { type: 'text', text: 'Reading both files.' },
        { type: 'tool-call', callId: 'call_1', name: 'read_file', input },
        { type: 'tool-call', callId: 'call_2', name: 'grep', input: { pattern: 'total\\(' } },
      ] },
      { role: 'user', parts: [
        { type: 'tool-result', callId: 'call_2', content: 'src/cart.ts:1: function total(cart) {' },
        { type: 'tool-result', callId: 'call_1', content: CODE },
        { type: 'text', text: 'Keep it short.' },
      ] },
    ]);
    assert.deepStrictEqual(request.messages, [
      { role: 'user', content: 'What does total() do?' },
      { role: 'assistant', content: 'Reading both files.', toolCalls: [
        { id: 'call_1', name: 'read_file', arguments: input },
        { id: 'call_2', name: 'grep', arguments: { pattern: 'total\\(' } },
      ] },
      { role: 'tool', toolCallId: 'call_2', name: 'grep', content: 'src/cart.ts:1: function total(cart) {' },
      { role: 'tool', toolCallId: 'call_1', name: 'read_file', content: CODE },
      { role: 'user', content: 'Keep it short.' },
    ]);
  });

  it('puts the tool results before the text of the same user message, whatever their order there', () => {
    const { request } = toChatRequest([
      user('go'),
      { role: 'assistant', parts: [{ type: 'tool-call', callId: 'c', name: 'run', input: {} }] },
      { role: 'user', parts: [{ type: 'text', text: 'Here:' }, { type: 'tool-result', callId: 'c', content: 'ok' }] },
    ]);
    assert.deepStrictEqual(request.messages.slice(1), [
      { role: 'assistant', content: '', toolCalls: [{ id: 'c', name: 'run', arguments: {} }] },
      { role: 'tool', toolCallId: 'c', name: 'run', content: 'ok' },
      { role: 'user', content: 'Here:' },
    ]);
  });

  it('offers the tools with their schemas; auto by default, required when asked', () => {
    const schema = { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] };
    const auto = toChatRequest([user('x')], { tools: [{ name: 'read_file', description: 'Read a file', inputSchema: schema }, { name: 'now', description: '' }] });
    assert.deepStrictEqual(auto.request.tools, [
      { name: 'read_file', description: 'Read a file', parameters: schema },
      { name: 'now', parameters: { type: 'object', properties: {} } },
    ]);
    assert.strictEqual(auto.request.toolChoice, 'auto');
    assert.strictEqual(toChatRequest([user('x')], { tools: [{ name: 'now' }], toolMode: 'required' }).request.toolChoice, 'required');
    const none = toChatRequest([user('x')], { tools: [], toolMode: 'required' }).request;
    assert.ok(!('tools' in none) && !('toolChoice' in none), 'no tools, no tool choice');
  });

  it('takes temperature and max tokens from model options only when they are well formed', () => {
    assert.deepStrictEqual(toChatRequest([user('x')], { modelOptions: { temperature: 0.2, max_tokens: 512, top_k: 3 } }).request, { messages: [{ role: 'user', content: 'x' }], temperature: 0.2, maxTokens: 512 });
    assert.deepStrictEqual(toChatRequest([user('x')], { modelOptions: { temperature: 7, maxTokens: 1.5 } }).request, { messages: [{ role: 'user', content: 'x' }] });
  });

  it('leaves out images and other parts, counting them per kind for the log, and drops turns left empty', () => {
    const { request, dropped } = toChatRequest([
      { role: 'user', parts: [{ type: 'other', what: 'image' }, { type: 'text', text: 'What is in the screenshot?' }, { type: 'other', what: 'image' }] },
      { role: 'assistant', parts: [{ type: 'other', what: 'thinking' }] },
      user('And now?'),
    ]);
    assert.deepStrictEqual(request.messages, [{ role: 'user', content: 'What is in the screenshot?' }, { role: 'user', content: 'And now?' }]);
    assert.deepStrictEqual(dropped, ['2 image parts left out: Baton sends text and tool calls only', '1 thinking part left out: Baton sends text and tool calls only']);
  });

  it('refuses a tool result that answers no earlier call, naming the call and the fix', () => {
    assert.throws(() => toChatRequest([user('go'), { role: 'user', parts: [{ type: 'tool-result', callId: 'call_9', content: '42' }] }]), (error: unknown) => {
      assert.ok(BatonError.is(error));
      assert.strictEqual(error.kind, 'bad-request');
      assert.strictEqual(error.code, 'invalid-conversation');
      assert.match(error.message, /message 2 holds a result for tool call "call_9", but no earlier assistant message made that call; send the assistant's tool call part before its result/);
      return true;
    });
  });

  it('refuses tool calls on user turns, results on assistant turns, and inputs that are not objects', () => {
    assert.throws(() => toChatRequest([{ role: 'user', parts: [{ type: 'tool-call', callId: 'c', name: 'x', input: {} }] }]), /message 1 \(user\) holds a tool call; tool calls belong to assistant messages/);
    assert.throws(() => toChatRequest([{ role: 'assistant', parts: [{ type: 'tool-result', callId: 'c', content: '' }] }]), /message 1 \(assistant\) holds a tool result/);
    assert.throws(() => toChatRequest([{ role: 'assistant', parts: [{ type: 'tool-call', callId: 'c', name: 'ls', input: ['a'] }] }]), /the input of tool call "c" \(ls\) is an array; tool inputs are JSON objects/);
  });
});

describe('language models: what a caller is told when Baton cannot answer', () => {
  it('an unknown model is NotFound, naming the model, the configured ones and the command that adds one', () => {
    assert.deepStrictEqual(unknownModel('gone', ['fast', 'claude']), {
      code: 'NotFound',
      message: 'Baton has no model "gone". Configured models: fast, claude. Run "Baton: Manage Models" to add it, or choose another Baton model.',
    });
    assert.match(unknownModel('x', []).message, /No models are configured\. Run "Baton: Manage Models"/);
  });

  it('a failed chain names the model asked for, the story, and the fix for the last failure', () => {
    const auth = new BatonError('auth', 'openai: HTTP 401: Incorrect API key provided', { status: 401, model: 'backup', provider: 'openai' });
    const reset = new BatonError('network', 'openai: connection reset', { model: 'primary', provider: 'openai' });
    const error = new RouterError(auth, [
      { model: 'primary', attempt: 1, form: 'fresh', error: reset, phase: 'mid-stream', at: 703 },
      { model: 'backup', attempt: 1, form: 'prefill', error: auth, phase: 'mid-stream', at: 703 },
    ], 'x'.repeat(703));
    const failure = requestFailed('primary', error);
    assert.strictEqual(failure.code, 'Unknown');
    assert.strictEqual(failure.message,
      'Baton model "primary" could not answer. Every model in the chain failed. primary: connection failed at 703 chars (openai: connection reset); ' +
      'backup: authentication failed at 703 chars (openai: HTTP 401: Incorrect API key provided). The partial answer (703 chars) is kept; it is incomplete. ' +
      'Set the API key for "backup" with "Baton: Manage Models" (or "Baton: Set API Key").');
  });

  it('names every model that failed the same way', () => {
    const auth = (model: string) => new BatonError('auth', `${model}: HTTP 401`, { status: 401, model });
    const error = new RouterError(auth('backup'), [
      { model: 'primary', attempt: 1, form: 'fresh', error: auth('primary'), phase: 'before-first-token', at: 0 },
      { model: 'backup', attempt: 1, form: 'fresh', error: auth('backup'), phase: 'before-first-token', at: 0 },
    ], '');
    assert.match(requestFailed('primary', error).message, /Set the API key for "primary" and "backup" with "Baton: Manage Models"/);
  });

  it('says what to do for each kind of failure', () => {
    const say = (kind: ConstructorParameters<typeof BatonError>[0], code?: string) => requestFailed('m', new BatonError(kind, 'boom', { model: 'm', code })).message;
    assert.match(say('auth'), /could not answer\. Boom\. Set the API key for "m" with "Baton: Manage Models"/);
    assert.match(say('bad-request'), /Check the model name and base URL of "m" with "Baton: Manage Models"\.$/);
    assert.match(say('context-window'), /add a fallback with a larger contextWindow/);
    assert.match(say('content-policy'), /baton\.fallbackOnRefusal/);
    for (const kind of ['rate-limit', 'overloaded', 'server', 'network', 'timeout', 'truncated', 'protocol'] as const) {
      assert.match(say(kind), /Run "Baton: Check Models" to see which models answer, and add a fallback with "Baton: Manage Models"\.$/, kind);
    }
    assert.match(say('bad-request', 'invalid-conversation'), /this is a bug in the calling extension\.$/);
  });
});
