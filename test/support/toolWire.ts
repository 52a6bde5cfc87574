import type { ProviderName } from '../../src/core/settings/types';
import type { Script } from './faultServer';
import { stream, StreamOptions } from './scripts';
import { deltas, WIRES } from './wire';

/**
 * Scripted tool-calling answers in each protocol's real wire format (the shapes of the recorded
 * `*-tools` fixtures), with the positions where a fault can be injected.
 */

/** One call a scripted model makes. `id` is left out for Gemini and Ollama, which send none. */
export interface PlannedCall {
  id?: string;
  name: string;
  /** The arguments exactly as the model streams them (JSON text). */
  json: string;
}

export interface ToolPlan {
  text: string;
  calls: PlannedCall[];
}

/** Where the stream breaks. */
export type ToolFault =
  /** In the middle of the first call's argument JSON (for Gemini and Ollama: mid-frame). */
  | 'mid-args'
  /** Right after the first call is complete, before anything else. */
  | 'after-call'
  /** After the first of two parallel calls is complete, before the second starts. */
  | 'between-calls'
  /** In the middle of the second call's arguments, after the first is complete. */
  | 'mid-second-call'
  /** In the text, before any call starts. */
  | 'in-text';

interface Built {
  frames: string[];
  /** Frame index after the last text frame. */
  textEnd: number;
  /** Per call: frame index where it starts, and where it is complete (exclusive end). */
  calls: { start: number; argsMid: number; complete: number }[];
  /** Frame index of the first text frame. */
  textStart: number;
}

const sse = (data: unknown, event?: string) => `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;
const pieces = (json: string) => deltas(json, 4);

function build(protocol: ProviderName, plan: ToolPlan): Built {
  const texts = deltas(plan.text, 7);
  const frames: string[] = [];
  const calls: Built['calls'] = [];
  const wire = WIRES[protocol];
  const push = (...f: string[]) => frames.push(...f);
  let textStart = 0;
  let textEnd = 0;
  switch (protocol) {
    case 'openai': {
      const chunk = (delta: unknown, finish: string | null = null) => sse({ id: 'chatcmpl-T1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4.1', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], usage: null });
      push(chunk({ role: 'assistant', content: '', refusal: null }));
      textStart = frames.length;
      for (const t of texts) push(chunk({ content: t }));
      textEnd = frames.length;
      plan.calls.forEach((call, index) => {
        const start = frames.length;
        push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }));
        const args = pieces(call.json);
        args.forEach((p, i) => {
          push(chunk({ tool_calls: [{ index, function: { arguments: p } }] }));
          if (i === Math.floor(args.length / 2)) calls.push({ start, argsMid: frames.length, complete: -1 });
        });
        calls[index].complete = frames.length;
      });
      push(chunk({}, plan.calls.length ? 'tool_calls' : 'stop'));
      push(sse({ id: 'chatcmpl-T1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4.1', choices: [], usage: { prompt_tokens: 40, completion_tokens: 30, total_tokens: 70 } }));
      push('data: [DONE]\n\n');
      break;
    }
    case 'openai-responses': {
      let seq = 0;
      const ev = (type: string, body: Record<string, unknown>) => sse({ type, ...body, sequence_number: seq++ }, type);
      push(ev('response.created', { response: { id: 'resp_T1', status: 'in_progress', output: [] } }));
      push(ev('response.output_item.added', { output_index: 0, item: { id: 'msg_T1', type: 'message', status: 'in_progress', content: [], role: 'assistant' } }));
      textStart = frames.length;
      for (const t of texts) push(ev('response.output_text.delta', { item_id: 'msg_T1', output_index: 0, content_index: 0, delta: t }));
      textEnd = frames.length;
      push(ev('response.output_text.done', { item_id: 'msg_T1', output_index: 0, content_index: 0, text: plan.text }));
      push(ev('response.output_item.done', { output_index: 0, item: { id: 'msg_T1', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: plan.text }] } }));
      plan.calls.forEach((call, i) => {
        const index = i + 1;
        const item = { id: `fc_T${index}`, type: 'function_call', status: 'in_progress', arguments: '', call_id: call.id, name: call.name };
        const start = frames.length;
        push(ev('response.output_item.added', { output_index: index, item }));
        const args = pieces(call.json);
        args.forEach((p, n) => {
          push(ev('response.function_call_arguments.delta', { item_id: item.id, output_index: index, delta: p }));
          if (n === Math.floor(args.length / 2)) calls.push({ start, argsMid: frames.length, complete: -1 });
        });
        push(ev('response.function_call_arguments.done', { item_id: item.id, output_index: index, arguments: call.json }));
        push(ev('response.output_item.done', { output_index: index, item: { ...item, status: 'completed', arguments: call.json } }));
        calls[i].complete = frames.length;
      });
      push(ev('response.completed', { response: { id: 'resp_T1', status: 'completed', usage: { input_tokens: 40, output_tokens: 30, total_tokens: 70 } } }));
      break;
    }
    case 'anthropic': {
      push(...wire.head());
      textStart = frames.length;
      for (const t of texts) push(wire.delta(t));
      textEnd = frames.length;
      push(sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'));
      plan.calls.forEach((call, i) => {
        const index = i + 1;
        const start = frames.length;
        push(sse({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} } }, 'content_block_start'));
        push(sse({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: '' } }, 'content_block_delta'));
        const args = pieces(call.json);
        args.forEach((p, n) => {
          push(sse({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: p } }, 'content_block_delta'));
          if (n === Math.floor(args.length / 2)) calls.push({ start, argsMid: frames.length, complete: -1 });
        });
        push(sse({ type: 'content_block_stop', index }, 'content_block_stop'));
        calls[i].complete = frames.length;
      });
      push(sse({ type: 'message_delta', delta: { stop_reason: plan.calls.length ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: 30 } }, 'message_delta'));
      push(sse({ type: 'message_stop' }, 'message_stop'));
      break;
    }
    case 'gemini':
    case 'ollama': {
      textStart = 0;
      for (const t of texts) push(wire.delta(t));
      textEnd = frames.length;
      plan.calls.forEach((call) => {
        const start = frames.length;
        push(wholeCall(protocol, call));
        // A whole call has no middle but its frame's: `argsMid` marks a cut inside that frame.
        calls.push({ start, argsMid: start, complete: frames.length });
      });
      push(...wire.tail());
      break;
    }
  }
  return { frames, textEnd, calls, textStart };
}

function wholeCall(protocol: 'gemini' | 'ollama', call: PlannedCall): string {
  const args = JSON.parse(call.json);
  if (protocol === 'gemini') {
    return `data: ${JSON.stringify({ candidates: [{ content: { parts: [{ functionCall: { name: call.name, args } }], role: 'model' }, index: 0 }], usageMetadata: { promptTokenCount: 40, candidatesTokenCount: 20, totalTokenCount: 60 }, modelVersion: 'gemini-2.5-flash' })}\r\n\r\n`;
  }
  return `${JSON.stringify({ model: 'm', created_at: '2026-11-24T00:00:00Z', message: { role: 'assistant', content: '', tool_calls: [{ function: { name: call.name, arguments: args } }] }, done: false })}\n`;
}

const headers = (protocol: ProviderName) => ({ 'content-type': WIRES[protocol].contentType });

/** The whole answer: the text, then the calls, then the protocol's finish. */
export function toolAnswer(protocol: ProviderName, plan: ToolPlan, options: StreamOptions = {}): Script {
  return stream(build(protocol, plan).frames, { headers: headers(protocol), ...options });
}

/** The frames of a whole answer, for tests that pace or split them. */
export function toolFrames(protocol: ProviderName, plan: ToolPlan): string[] {
  return build(protocol, plan).frames;
}

/**
 * How the stream breaks at the fault: the connection closes (`cut`), is reset, stalls with the
 * connection open, or carries the protocol's in-band error.
 *
 * `cut` is the default because it is deterministic: a reset makes the kernel discard what the
 * client has not read yet, so under load the client may lose the frames before the fault and the
 * test would no longer test the position it names.
 */
export type ToolEnding = 'cut' | 'reset' | 'stall' | 'inband';

/**
 * The answer up to `fault`, then the `ending`. At `mid-args` a cut, reset or stall comes inside a
 * frame as well (half of the next frame's bytes are sent), which is the only way to break a
 * Gemini or Ollama call; an in-band error comes at the frame boundary instead.
 */
export function toolFailing(protocol: ProviderName, plan: ToolPlan, fault: ToolFault, ending: ToolEnding = 'cut'): Script {
  const built = build(protocol, plan);
  const [first, second] = built.calls;
  let upTo: number;
  let partial = '';
  switch (fault) {
    case 'in-text':
      upTo = built.textStart + Math.floor((built.textEnd - built.textStart) / 2);
      break;
    case 'mid-args':
      upTo = first.argsMid;
      partial = halfOf(built.frames[upTo]);
      break;
    case 'after-call':
    case 'between-calls':
      upTo = first.complete;
      break;
    case 'mid-second-call':
      upTo = second.argsMid;
      partial = halfOf(built.frames[upTo]);
      break;
  }
  if (ending === 'inband') return stream([...built.frames.slice(0, upTo), WIRES[protocol].inbandError()], { headers: headers(protocol) });
  return stream([...built.frames.slice(0, upTo), partial], { headers: headers(protocol), then: ending });
}

/** The first half of a frame, by characters: the frame can never complete. */
function halfOf(frame: string): string {
  const chars = [...frame];
  return chars.slice(0, Math.floor(chars.length / 2)).join('');
}

/** The characters of text a failing primary sent before `fault`. */
export function textBefore(plan: ToolPlan, fault: ToolFault): string {
  if (fault !== 'in-text') return plan.text;
  const texts = deltas(plan.text, 7);
  return texts.slice(0, Math.floor(texts.length / 2)).join('');
}
