import type { ProviderName } from '../../src/core/settings/types';
import { continuationOf, turns as turnsOf } from './continuer';
import type { Script } from './faultServer';
import { PlannedCall, toolAnswer, ToolPlan } from './toolWire';

/**
 * Reads tools, tool calls and tool results back out of a request body in each protocol's wire
 * format, and checks the protocol's pairing rules, written from the protocols' documentation
 * independently of Baton's translation code.
 */

/** A call or a result as it appears on the wire, in conversation order. */
export interface WireCall {
  id?: string;
  name: string;
  arguments: unknown;
}
export interface WireResult {
  id?: string;
  name?: string;
  content: unknown;
}

/** The names of the tools the request offers. */
export function toolNames(protocol: ProviderName, body: any): string[] {
  switch (protocol) {
    case 'openai':
    case 'ollama':
      return (body.tools ?? []).map((t: any) => t.function.name);
    case 'openai-responses':
    case 'anthropic':
      return (body.tools ?? []).map((t: any) => t.name);
    case 'gemini':
      return (body.tools ?? []).flatMap((t: any) => t.functionDeclarations.map((d: any) => d.name));
  }
}

/** Every tool call in the request's history, in order. */
export function callsIn(protocol: ProviderName, body: any): WireCall[] {
  switch (protocol) {
    case 'openai':
      return (body.messages ?? []).flatMap((m: any) => (m.tool_calls ?? []).map((c: any) => ({ id: c.id, name: c.function.name, arguments: JSON.parse(c.function.arguments) })));
    case 'ollama':
      return (body.messages ?? []).flatMap((m: any) => (m.tool_calls ?? []).map((c: any) => ({ name: c.function.name, arguments: c.function.arguments })));
    case 'openai-responses':
      return (body.input ?? []).filter((i: any) => i.type === 'function_call').map((i: any) => ({ id: i.call_id, name: i.name, arguments: JSON.parse(i.arguments) }));
    case 'anthropic':
      return (body.messages ?? []).flatMap((m: any) => (Array.isArray(m.content) ? m.content : []).filter((b: any) => b.type === 'tool_use').map((b: any) => ({ id: b.id, name: b.name, arguments: b.input })));
    case 'gemini':
      return (body.contents ?? []).flatMap((c: any) => c.parts.filter((p: any) => p.functionCall).map((p: any) => ({ id: p.functionCall.id, name: p.functionCall.name, arguments: p.functionCall.args })));
  }
}

/**
 * Checks that every call in the history is answered the way the protocol pairs them, and returns
 * each call with its result. Throws with the rule that is broken.
 * - OpenAI Chat: `role: "tool"` messages right after the assistant message, by `tool_call_id`.
 * - Responses: a `function_call_output` with the same `call_id`, after the call.
 * - Anthropic: `tool_result` blocks first in the very next user message, by `tool_use_id`;
 *   ids match `^[a-zA-Z0-9_-]+$`.
 * - Gemini: the next content is a user content whose `functionResponse` parts answer the calls in
 *   order and by name.
 * - Ollama: `role: "tool"` messages right after the assistant message, in order, by `tool_name`.
 */
export function pairedHistory(protocol: ProviderName, body: any): { call: WireCall; result: WireResult }[] {
  const out: { call: WireCall; result: WireResult }[] = [];
  const fail = (why: string) => {
    throw new Error(`${protocol} pairing broken: ${why}\n${JSON.stringify(body, null, 1).slice(0, 3000)}`);
  };
  switch (protocol) {
    case 'openai':
    case 'ollama': {
      const messages: any[] = body.messages ?? [];
      messages.forEach((m, i) => {
        if (!m.tool_calls?.length) return;
        const results: any[] = [];
        for (let j = i + 1; j < messages.length && messages[j].role === 'tool'; j++) results.push(messages[j]);
        if (results.length !== m.tool_calls.length) fail(`message ${i} has ${m.tool_calls.length} calls but ${results.length} tool messages follow it`);
        m.tool_calls.forEach((c: any, k: number) => {
          const call = protocol === 'openai'
            ? { id: c.id, name: c.function.name, arguments: JSON.parse(c.function.arguments) }
            : { name: c.function.name, arguments: c.function.arguments };
          const result = protocol === 'openai' ? results.find((r) => r.tool_call_id === c.id) : results[k];
          if (!result) fail(`no tool message answers ${c.id}`);
          if (protocol === 'openai' && c.id.length > 40) fail(`id ${c.id} is longer than 40`);
          if (protocol === 'ollama' && result.tool_name !== c.function.name) fail(`result ${k} is for ${result.tool_name}, call ${k} is ${c.function.name}`);
          out.push({ call, result: { id: result.tool_call_id, name: result.tool_name, content: result.content } });
        });
      });
      return out;
    }
    case 'openai-responses': {
      const input: any[] = body.input ?? [];
      input.forEach((item, i) => {
        if (item.type !== 'function_call') return;
        if ('id' in item) fail(`function_call ${item.call_id} carries an item id`);
        const result = input.slice(i + 1).find((r) => r.type === 'function_call_output' && r.call_id === item.call_id);
        if (!result) fail(`no function_call_output for ${item.call_id}`);
        out.push({ call: { id: item.call_id, name: item.name, arguments: JSON.parse(item.arguments) }, result: { id: result.call_id, content: result.output } });
      });
      return out;
    }
    case 'anthropic': {
      const messages: any[] = body.messages ?? [];
      messages.forEach((m, i) => {
        const uses = Array.isArray(m.content) ? m.content.filter((b: any) => b.type === 'tool_use') : [];
        if (!uses.length) return;
        const next = messages[i + 1];
        if (next?.role !== 'user' || !Array.isArray(next.content)) fail(`message ${i + 1} must be a user message with tool_result blocks`);
        const results = next.content.filter((b: any) => b.type === 'tool_result');
        if (next.content.slice(0, results.length).some((b: any) => b.type !== 'tool_result')) fail(`tool_result blocks must come first in message ${i + 1}`);
        for (const use of uses) {
          if (!/^[a-zA-Z0-9_-]+$/.test(use.id)) fail(`tool_use id ${use.id} has characters Anthropic refuses`);
          const result = results.find((r: any) => r.tool_use_id === use.id);
          if (!result) fail(`no tool_result for ${use.id} in the next user message`);
          out.push({ call: { id: use.id, name: use.name, arguments: use.input }, result: { id: result.tool_use_id, content: result.content } });
        }
      });
      return out;
    }
    case 'gemini': {
      const contents: any[] = body.contents ?? [];
      contents.forEach((c, i) => {
        const calls = c.parts.filter((p: any) => p.functionCall);
        if (!calls.length) return;
        if (c.role !== 'model') fail(`content ${i} holds calls but is not role model`);
        const next = contents[i + 1];
        const responses = next?.role === 'user' ? next.parts.filter((p: any) => p.functionResponse) : [];
        if (responses.length !== calls.length) fail(`content ${i + 1} answers ${responses.length} of ${calls.length} calls`);
        calls.forEach((p: any, k: number) => {
          const r = responses[k].functionResponse;
          if (r.name !== p.functionCall.name) fail(`response ${k} is for ${r.name}, call ${k} is ${p.functionCall.name}`);
          if (typeof r.response !== 'object' || r.response === null || Array.isArray(r.response)) fail('a functionResponse.response must be an object');
          out.push({ call: { id: p.functionCall.id, name: p.functionCall.name, arguments: p.functionCall.args }, result: { id: r.id, name: r.name, content: r.response } });
        });
      });
      return out;
    }
  }
}

export interface ToolContinuerOptions {
  /** How many calls the request's history holds (a partial call leaking into it fails the test). */
  historyCalls?: number;
}

/**
 * A backup that continues a tool-calling answer: it streams the rest of `plan.text` after the
 * partial it was given, then makes every call of `plan` itself. It answers 500 with the reason
 * when the request lacks the tools, carries a call it should not, or a partial that is not a
 * prefix of the text, so a router bug fails the test loudly.
 */
export function toolContinuer(protocol: ProviderName, plan: ToolPlan, options: ToolContinuerOptions = {}): Script {
  return (req, res) => {
    const refuse = (why: string): void => {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `toolContinuer: ${why}` } }));
    };
    const names = toolNames(protocol, req.body);
    const wanted = [...new Set(plan.calls.map((c) => c.name))];
    if (!wanted.every((n) => names.includes(n))) return refuse(`the request offers tools [${names}], not [${wanted}]`);
    const calls = callsIn(protocol, req.body);
    if (calls.length !== (options.historyCalls ?? 0)) return refuse(`the request holds ${calls.length} tool calls; expected ${options.historyCalls ?? 0}`);
    const { partial } = continuation(protocol, req.body);
    if (!plan.text.startsWith(partial)) return refuse(`partial ${JSON.stringify(partial.slice(-40))} is not a prefix of the text`);
    return toolAnswer(protocol, { text: plan.text.slice(partial.length), calls: plan.calls })(req, res);
  };
}

/** Like {@link continuationOf}, but an instruction counts only when the last user turn is Baton's continuation prompt. */
function continuation(protocol: ProviderName, body: any): { partial: string } {
  const found = continuationOf(protocol, body);
  if (found.form !== 'instruction') return found;
  const turns = turnsOf(protocol, body);
  return /was cut off/.test(turns[turns.length - 1]?.text ?? '') ? found : { partial: '' };
}

/** The calls a model of this protocol makes: Gemini and Ollama send no ids. */
export function withIds(protocol: ProviderName, calls: PlannedCall[], prefix: string): PlannedCall[] {
  return calls.map((call, i) => (protocol === 'gemini' || protocol === 'ollama' ? { name: call.name, json: call.json } : { ...call, id: `${prefix}${i + 1}` }));
}
