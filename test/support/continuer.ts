import type { ProviderName } from '../../src/core/settings/types';
import type { Received, Script } from './faultServer';
import { stream, StreamOptions } from './scripts';
import { answer, deltas, WIRES } from './wire';

interface Turn {
  role: 'user' | 'assistant' | 'system';
  text: string;
}

/** The conversation in a request body, whatever the protocol's shape. */
export function turns(protocol: ProviderName, body: any): Turn[] {
  const text = (content: unknown): string =>
    typeof content === 'string' ? content
      : Array.isArray(content) ? content.map((p: any) => p.text ?? '').join('') : '';
  switch (protocol) {
    case 'gemini':
      return (body.contents ?? []).map((c: any) => ({ role: c.role === 'model' ? 'assistant' : 'user', text: text(c.parts) }));
    case 'openai-responses':
      return (body.input ?? []).map((m: any) => ({ role: m.role, text: text(m.content) }));
    default:
      return (body.messages ?? []).filter((m: any) => m.role !== 'system').map((m: any) => ({ role: m.role, text: text(m.content) }));
  }
}

/**
 * How the request asks to go on: fresh, a prefill to continue, or an instruction after the partial.
 * An instruction carries the anchor the backup is asked to repeat first, read the way a model would.
 */
export function continuationOf(protocol: ProviderName, body: any): { form: 'fresh' | 'prefill' | 'instruction'; partial: string; anchor?: string } {
  const all = turns(protocol, body);
  const last = all[all.length - 1];
  if (last?.role === 'assistant') return { form: 'prefill', partial: last.text };
  const before = all[all.length - 2];
  if (last?.role === 'user' && before?.role === 'assistant') {
    const open = last.text.lastIndexOf('<end_of_previous_reply>');
    const close = last.text.lastIndexOf('</end_of_previous_reply>');
    const anchor = open >= 0 && close > open ? last.text.slice(open + '<end_of_previous_reply>'.length, close) : undefined;
    return { form: 'instruction', partial: before.text, anchor };
  }
  return { form: 'fresh', partial: '' };
}

export interface ContinuerOptions extends StreamOptions {
  /** Repeat this many characters of the partial's end before continuing, as models often do (instead of the anchor). */
  repeatTail?: number;
  /** Ignore the instruction's request to repeat the anchor first (a backup that does not comply). */
  ignoreAnchor?: boolean;
  /** Refuse a prefill with this HTTP 400 body, as models without prefill support do. */
  rejectPrefill?: object;
  deltaSize?: number;
}

/**
 * A backup model that continues exactly from the partial it receives: it streams the rest of
 * `full` after the partial, after repeating the anchor when an instruction asks for one. If the
 * partial is not a prefix of `full`, it answers 500 with an explanation, so a stitching bug fails
 * the test loudly.
 */
export function continuer(protocol: ProviderName, full: string, options: ContinuerOptions = {}): Script {
  return (req: Received, res) => {
    const { form, partial, anchor } = continuationOf(protocol, req.body);
    if (form === 'prefill' && options.rejectPrefill) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify(options.rejectPrefill));
      return;
    }
    if (!full.startsWith(partial)) {
      res.writeHead(500, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { message: `continuer: partial ${JSON.stringify(partial.slice(-40))} is not a prefix of the expected answer` } }));
      return;
    }
    const repeat = options.repeatTail ? partial.slice(-options.repeatTail) : options.ignoreAnchor ? '' : anchor ?? '';
    const rest = repeat + full.slice(partial.length);
    return stream(answer(protocol, deltas(rest, options.deltaSize ?? 7)), { headers: { 'content-type': WIRES[protocol].contentType }, ...options })(req, res);
  };
}

/**
 * A primary that streams the first `at` characters of `full` in its protocol, then fails: the
 * connection resets, is cut, stalls, or carries an in-band error or a malformed tail.
 */
export function failingAt(protocol: ProviderName, full: string, at: number, fault: 'reset' | 'cut' | 'stall' | 'inband' | 'malformed-tail' | 'truncated', options: StreamOptions = {}): Script {
  const wire = WIRES[protocol];
  const frames = [...wire.head(), ...deltas(full.slice(0, at), 7).map((d) => wire.delta(d))];
  if (fault === 'inband') frames.push(wire.inbandError());
  if (fault === 'malformed-tail') frames.push(wire.malformed());
  const then = fault === 'reset' ? 'reset' : fault === 'cut' ? 'cut' : fault === 'stall' ? 'stall' : 'end';
  return stream(frames, { headers: { 'content-type': wire.contentType }, then, ...options });
}
