import * as fs from 'node:fs';
import * as path from 'node:path';
import { openFenceAt } from '../../src/core/router/seamText';
import type { ProviderName } from '../../src/core/settings/types';
import { continuationOf } from './continuer';
import type { Script } from './faultServer';
import { stream } from './scripts';
import { answer, deltas, WIRES } from './wire';

/**
 * The seam corpus: realistic answers (test/fixtures/seam/*.md, kept as files so tabs and trailing
 * spaces survive), the places a stream can break in them, and the ways a backup model answers.
 */

const DIR = path.join(__dirname, '../../../test/fixtures/seam');

export interface CorpusAnswer {
  name: string;
  text: string;
}

export function corpus(): CorpusAnswer[] {
  return fs.readdirSync(DIR).filter((f) => f.endsWith('.md')).sort()
    .map((f) => ({ name: f.replace(/\.md$/, ''), text: fs.readFileSync(path.join(DIR, f), 'utf8') }));
}

/** A class of cut position: where in an answer it falls, or undefined when the answer has none. */
export interface CutClass {
  name: string;
  find(text: string): number | undefined;
}

const EMOJI = /\p{Extended_Pictographic}/u;

function firstMatch(text: string, re: RegExp, offset: (m: RegExpExecArray) => number, from = 1): number | undefined {
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
  g.lastIndex = from;
  for (let m = g.exec(text); m; m = g.exec(text)) {
    const at = offset(m);
    if (at > 0 && text.slice(0, at).trim()) return at;
  }
  return undefined;
}

/** Cut classes from issue 11. Each picks one position per answer, the first after the opening words. */
export const CUT_CLASSES: CutClass[] = [
  { name: 'after a line break, before an indented line', find: (t) => firstMatch(t, /\n(?=[ \t]+\S)/, (m) => m.index + 1) },
  { name: 'inside space indentation', find: (t) => firstMatch(t, /\n {2,}(?=\S)/, (m) => m.index + 1 + Math.floor((m[0].length - 1) / 2)) },
  { name: 'inside tab indentation', find: (t) => firstMatch(t, /\n\t{2,}(?=\S)/, (m) => m.index + 2) },
  {
    name: 'mid-word',
    find: (t) => {
      for (let i = Math.floor(t.length / 2); i < t.length - 1; i++) {
        if (/[A-Za-z]/.test(t[i - 2]) && /[A-Za-z]/.test(t[i - 1]) && /[A-Za-z]/.test(t[i]) && /[A-Za-z]/.test(t[i + 1])) return i;
      }
      return undefined;
    },
  },
  { name: 'right after a fence opener', find: (t) => firstMatch(t, /^[ \t]*```\w+(?=\n)/m, (m) => m.index + m[0].length) },
  {
    name: 'right before a closer',
    find: (t) => firstMatch(t, /\n[ \t]+(?=[}\])])/, (m) => m.index + m[0].length) ?? firstMatch(t, /[^\s([{](?=[}\])])/, (m) => m.index + 1),
  },
  { name: 'right after a closer', find: (t) => firstMatch(t, /[}\])]+;?(?=\n)/, (m) => m.index + m[0].length) },
  { name: 'right after a line that is only closers', find: (t) => firstMatch(t, /\n[ \t]*[}\])]+\)?;?(?=\n)/, (m) => m.index + m[0].length) },
  {
    name: 'right before a closing fence',
    find: (t) => {
      for (const m of t.matchAll(/\n[ \t]*(?=```\n)/g)) if (openFenceAt(t.slice(0, m.index + 1))) return m.index + m[0].length;
      return undefined;
    },
  },
  { name: 'inside repetitive data', find: (t) => firstMatch(t, /(0, ){3,}0|={6,}|-{6,}/, (m) => m.index + Math.floor(m[0].length / 2)) },
  { name: 'inside CJK text', find: (t) => firstMatch(t, /\p{Script=Han}{6,}/u, (m) => m.index + 3) },
  {
    name: 'right after an emoji',
    find: (t) => {
      const chars = [...t];
      let at = 0;
      for (let i = 0; i < chars.length - 1; i++) {
        at += chars[i].length;
        if (i > 5 && EMOJI.test(chars[i]) && !/[\u{1F3FB}-\u{1F3FF}\u{FE0F}\u{200D}]/u.test(chars[i + 1])) return at;
      }
      return undefined;
    },
  },
];

/** Everything a backup behaviour may look at, all from what the backup itself received. */
export interface Handover {
  full: string;
  /** The partial as the backup was shown it (without trailing whitespace). */
  shown: string;
  /** The anchor the instruction asked for (instruction form only). */
  anchor?: string;
}

/** How a backup answers a continuation request. */
export interface Behaviour {
  name: string;
  form: 'prefill' | 'instruction';
  reply(h: Handover): string;
  /** Only for handovers where this behaviour means something different from another one. */
  applies?(h: Handover): boolean;
}

const restOf = (h: Handover) => h.full.slice(h.shown.length);
const lineStart = (text: string) => text.lastIndexOf('\n') + 1;
/** The last `n` characters, widened so as not to start inside a surrogate pair. */
export const tail = (text: string, n: number) => {
  let start = Math.max(0, text.length - n);
  if (/[\uDC00-\uDFFF]/.test(text[start] ?? '')) start--;
  return text.slice(start);
};
/** The fence open at the end of the shown partial, when the partial's last line is inside it. */
const fenceInside = (h: Handover) => {
  const shownLine = h.shown.slice(lineStart(h.shown));
  const fence = openFenceAt(h.full.slice(0, h.shown.length + restOf(h).search(/\n|$/) + 1));
  return fence && !/^\s*(```|~~~)/.test(shownLine) ? fence : undefined;
};
/** Timeouts for seam tests: generous, so that a loaded machine never turns a seam test into a timeout test. */
export const SEAM_TIMEOUTS = { firstTokenMs: 10_000, idleMs: 10_000, totalMs: 60_000 };

export const PREAMBLE = 'Continuing from where I left off:\n\n';

/**
 * Backup behaviours from issue 11. A repeat starts at a visible character: a model that repeats
 * text does not open its reply with the blank lines in front of it.
 */
export const BEHAVIOURS: Behaviour[] = [
  { name: 'continues exactly, by prefill', form: 'prefill', reply: restOf },
  { name: 'repeats the anchor, then continues', form: 'instruction', reply: (h) => h.anchor! + restOf(h) },
  { name: 'continues exactly, by instruction (ignores the anchor)', form: 'instruction', reply: restOf },
  { name: 'repeats the last 12 characters first', form: 'instruction', reply: (h) => tail(h.shown, 12).trimStart() + restOf(h) },
  { name: 'repeats the last 40 characters first', form: 'instruction', reply: (h) => tail(h.shown, 40).trimStart() + restOf(h) },
  { name: 'restarts the current line', form: 'instruction', reply: (h) => h.shown.slice(lineStart(h.shown)) + restOf(h) },
  {
    name: 'reopens the code fence and restarts the line',
    form: 'instruction',
    applies: (h) => fenceInside(h) !== undefined,
    reply: (h) => `${fenceInside(h)!.line.trim()}\n${h.shown.slice(lineStart(h.shown))}${restOf(h)}`,
  },
  { name: 'adds a short preamble', form: 'instruction', reply: (h) => PREAMBLE + restOf(h) },
  { name: 'adds a short preamble, then the anchor', form: 'instruction', reply: (h) => PREAMBLE + h.anchor! + restOf(h) },
];

/**
 * A backup on the fault server that answers a continuation the way `behaviour` does, from what it
 * actually received: the partial it was shown and the anchor the instruction asked for. A request
 * in the wrong form, or with a partial that is not the start of the answer, gets a 500 that says so.
 */
export function behavingBackup(protocol: ProviderName, full: string, behaviour: Behaviour, options: { deltaSize: number; chunkBytes?: number }): Script {
  return (req, res) => {
    const { form, partial, anchor } = continuationOf(protocol, req.body);
    const problem = form !== behaviour.form ? `asked by ${form}, expected ${behaviour.form}`
      : !full.startsWith(partial) ? `partial ${JSON.stringify(partial.slice(-40))} is not a prefix of the answer`
        : partial !== partial.trimEnd() ? 'the partial was shown with trailing whitespace'
          : form === 'instruction' && !anchor ? 'the instruction asks for no anchor'
            : undefined;
    if (problem) {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `backup: ${problem}` } }));
      return;
    }
    const reply = behaviour.reply({ full, shown: partial, anchor });
    return stream(answer(protocol, deltas(reply, options.deltaSize)), { headers: { 'content-type': WIRES[protocol].contentType }, chunkBytes: options.chunkBytes })(req, res);
  };
}
