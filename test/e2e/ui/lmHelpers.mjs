// Helpers for the tests of Baton as the editor's language-model provider: the lm-client fixture
// extension (built into a VSIX and installed beside Baton), and tool calls in the OpenAI and
// Anthropic wire formats for the fault server.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../lib/editor.mjs';
import { runCommand, statusBarItemId, waitForStatusBarItem } from '../lib/workbench.mjs';

const FIXTURE_DIR = path.join(REPO_ROOT, 'test/fixtures/lm-client-extension');
let packed;

/** Packages test/fixtures/lm-client-extension into a VSIX (once per run) and returns its path. */
export function packLmClient() {
  if (packed && fs.existsSync(packed)) return packed;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-lm-client-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const out = path.join(dir, 'lm-client.vsix');
  const vsce = path.join(REPO_ROOT, 'node_modules/.bin/vsce');
  const result = spawnSync(vsce, ['package', '--no-dependencies', '--skip-license', '--out', out], { cwd: FIXTURE_DIR, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`packaging the lm-client fixture failed:\n${result.stdout}\n${result.stderr}`);
  packed = out;
  return out;
}

/**
 * The lm-client fixture's side of a test: a folder the extension reads scenarios from and writes
 * results to (its path reaches the extension host as BATON_LM_CLIENT_DIR), and run() to play one.
 */
export function lmClientChannel() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-lm-channel-'));
  let count = 0;
  return {
    dir,
    env: { BATON_LM_CLIENT_DIR: dir },
    /**
     * Runs "LM Client: Run Scenario" with this scenario and returns the extension's result.
     * `whileRunning(id)` runs after the command started (to change settings mid-scenario).
     */
    async run(page, scenario, { timeoutMs = 30_000, whileRunning } = {}) {
      const id = `s${++count}`;
      fs.writeFileSync(path.join(dir, 'scenario.json'), JSON.stringify({ ...scenario, id }));
      // The palette lists the fixture's command once the extension host is up; Baton's status item says it is.
      await waitForStatusBarItem(page, statusBarItemId('baton.status'));
      await runCommand(page, 'LM Client: Run Scenario');
      if (whileRunning) await whileRunning(id);
      return waitForJson(path.join(dir, `result-${id}.json`), timeoutMs);
    },
    waitForReady: (id, timeoutMs = 15_000) => waitForJson(path.join(dir, `ready-${id}.json`), timeoutMs),
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

async function waitForJson(file, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`no ${path.basename(file)} within ${timeoutMs} ms: the lm-client fixture did not finish`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

const sse = (data, event) => `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

/** Splits a string into pieces of `size` characters. */
const pieces = (text, size) => Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));

/**
 * OpenAI Chat Completions frames for an answer that says `text`, then calls tools (in parallel when
 * several), with each call's arguments split across deltas as the API streams them.
 */
export function openaiToolFrames(text, calls, { argumentPiece = 9 } = {}) {
  const chunk = (delta, finish = null) => sse({ id: 'chatcmpl-t', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }], usage: null });
  const frames = [chunk({ role: 'assistant', content: '' })];
  for (const piece of pieces(text, 6)) frames.push(chunk({ content: piece }));
  calls.forEach((call, index) => {
    frames.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }));
    for (const piece of pieces(JSON.stringify(call.input), argumentPiece)) frames.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  return {
    frames,
    tail: [
      chunk({}, calls.length ? 'tool_calls' : 'stop'),
      sse({ id: 'chatcmpl-t', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], usage: { prompt_tokens: 40, completion_tokens: 12, total_tokens: 52 } }),
      sse('[DONE]'),
    ],
  };
}

/** Anthropic Messages frames: optional text, then one tool_use block whose input JSON arrives in pieces. */
export function anthropicToolFrames(text, call, { argumentPiece = 9 } = {}) {
  const frames = [
    sse({ type: 'message_start', message: { id: 'msg_t', type: 'message', role: 'assistant', content: [], model: 'claude', stop_reason: null, usage: { input_tokens: 40, output_tokens: 1 } } }, 'message_start'),
  ];
  let index = 0;
  if (text) {
    frames.push(sse({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }, 'content_block_start'));
    for (const piece of pieces(text, 6)) frames.push(sse({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } }, 'content_block_delta'));
    frames.push(sse({ type: 'content_block_stop', index }, 'content_block_stop'));
    index++;
  }
  frames.push(sse({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} } }, 'content_block_start'));
  for (const piece of pieces(JSON.stringify(call.input), argumentPiece)) {
    frames.push(sse({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } }, 'content_block_delta'));
  }
  frames.push(sse({ type: 'content_block_stop', index }, 'content_block_stop'));
  frames.push(sse({ type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 30 } }, 'message_delta'));
  frames.push(sse({ type: 'message_stop' }, 'message_stop'));
  return frames;
}

/** The tools a request offered, by name, whatever the protocol (OpenAI `tools[].function`, Anthropic `tools[]`). */
export function offeredTools(body) {
  return (body?.tools ?? []).map((t) => t.function?.name ?? t.name);
}
