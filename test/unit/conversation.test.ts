import * as assert from 'node:assert/strict';
import { readMessages, readTools } from '../../src/core/conversation';
import { validateSettings } from '../../src/core/settings/validate';
import { HISTORY, TOOLS } from '../support/toolPlans';

const problems = (result: { problems: { path: string; message: string }[] }) => result.problems.map((p) => `${p.path}: ${p.message}`);

describe('the neutral conversation and tool formats', () => {
  it('reads a conversation with tool calls and results, taking a left-out result name from its call', () => {
    const file = HISTORY.map((m) => (m.role === 'tool' && m.name === 'search' ? { role: 'tool', toolCallId: m.toolCallId, content: m.content } : m));
    const { messages, problems: found } = readMessages(JSON.parse(JSON.stringify(file)));
    assert.deepEqual(found, []);
    assert.deepEqual(messages, HISTORY.map((m) => (m.role === 'tool' && m.isError === false ? { role: 'tool', toolCallId: m.toolCallId, name: m.name, content: m.content } : m)));
  });

  it('names every problem with its path and the fix', () => {
    const result = readMessages([
      { role: 'tool', toolCallId: 'early', content: 'x' },
      { role: 'system', content: 'no' },
      { role: 'user', content: 42 },
      { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'read_file', arguments: {} }, { id: 'c1', name: 'bad name', arguments: [] }], extra: true },
      { role: 'tool', toolCallId: 'c1', name: 'search', content: 'x' },
    ]);
    assert.deepEqual(problems(result), [
      'messages[0].toolCallId: "early" does not answer a call of the assistant message before it (a result must follow the assistant message that made the call)',
      'messages[1].role: "system": expected "user", "assistant" or "tool"',
      'messages[2].content: expected the message text (a string)',
      'messages[3].extra: unknown field for a assistant message; it has "role", "content", "toolCalls"',
      'messages[3].toolCalls[1].id: duplicate call id "c1"; every call in the conversation needs its own id',
      'messages[3].toolCalls[1].name: expected the tool name: 1 to 64 letters, digits, "_" or "-"',
      'messages[3].toolCalls[1].arguments: expected the arguments as a JSON object (not a string of JSON)',
      'messages[4].name: "search" is not the name of call "c1"; expected "read_file" (or leave "name" out)',
      'messages[3].toolCalls[0]: the call to "read_file" (id "c1") has no result before the end of the conversation; add { "role": "tool", "toolCallId": "c1", "content": "…" } right after the assistant message',
    ]);
  });

  it('refuses an empty conversation', () => {
    assert.match(problems(readMessages([]))[0], /^messages: expected a non-empty JSON array/);
  });

  it('reads tools, defaulting a left-out schema to an empty object schema', () => {
    const { tools, problems: found } = readTools([...TOOLS, { name: 'now' }]);
    assert.deepEqual(found, []);
    assert.deepEqual(tools, [...TOOLS, { name: 'now', parameters: { type: 'object', properties: {} } }]);
  });

  it('refuses duplicate tools, unknown fields and a schema that is not an object schema', () => {
    const result = readTools([{ name: 'a', paramters: {} }, { name: 'a' }, { name: 'b', parameters: { type: 'string' }, description: 3 }]);
    assert.deepEqual(problems(result), [
      'tools[0].paramters: unknown field; a tool has "name", "description" and "parameters"',
      'tools[1].name: duplicate tool "a"; every tool needs its own name',
      'tools[2].description: expected a string saying what the tool does',
      'tools[2].parameters: expected a JSON Schema for the arguments object, e.g. { "type": "object", "properties": { "path": { "type": "string" } }, "required": ["path"] }',
    ]);
  });

  it('a model entry may say it cannot call tools; anything but true or false is refused', () => {
    const ok = validateSettings({ models: [{ id: 'small', provider: 'ollama', model: 'gemma:2b', tools: false }] });
    assert.deepEqual(ok.problems, []);
    assert.equal(ok.settings.models[0].tools, false);
    const bad = validateSettings({ models: [{ id: 'small', provider: 'ollama', model: 'gemma:2b', tools: 'no' }] });
    assert.deepEqual(bad.problems, [{ path: 'baton.models[0].tools', message: 'expected true or false: whether this model can call tools' }]);
  });
});
