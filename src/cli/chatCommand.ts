import { BatonError } from '../core/errors';
import { keyFromEnvironment } from '../core/keys';
import { describeEvent } from '../core/router/describe';
import { Router } from '../core/router/router';
import { RouterError } from '../core/router/routerError';
import type { ChatArgs } from './args';
import { keyHint } from './keyHint';
import { eventJson, failureJson, write } from './output';
import { loadSettings, UsageError } from './settingsFile';

/**
 * `baton chat`: streams the answer to stdout exactly once, notices to stderr (or, with --json,
 * one JSON event per line on stdout). Resolves to the exit code: 0 only for a complete answer.
 */
export async function chatCommand(args: ChatArgs, signal: AbortSignal): Promise<number> {
  const { settings } = loadSettings(args.settings);
  const prompt = args.prompt ?? (await readStdin());
  if (!prompt.trim()) throw new UsageError('no prompt: pass PROMPT as an argument or pipe it on stdin');
  const router = new Router({ settings: () => settings, resolveKey: (model) => keyFromEnvironment(model, process.env, settings.models) });
  const out = process.stdout;
  let endsWithNewline = true;
  try {
    for await (const event of router.stream({ model: args.model, system: args.system, messages: [{ role: 'user', content: prompt }] }, signal)) {
      if (args.json) {
        await write(out, `${JSON.stringify(eventJson(event))}\n`);
      } else if (event.type === 'text') {
        endsWithNewline = event.text.endsWith('\n');
        await write(out, event.text);
      } else if (event.type === 'fallback' && event.form === 'restart') {
        if (!endsWithNewline) await write(out, '\n');
        process.stderr.write(`baton: ${describeEvent(event)}; the answer starts again below\n`);
      } else if (event.type !== 'reasoning' && event.type !== 'done' && event.type !== 'attempt') {
        const hint = 'error' in event && event.error.kind === 'auth' ? keyHint(settings, event.error.model) : '';
        process.stderr.write(`baton: ${describeEvent(event)}${hint}\n`);
      }
    }
    if (!args.json && !endsWithNewline && out.isTTY) await write(out, '\n');
    return 0;
  } catch (thrown) {
    if (!BatonError.is(thrown)) throw thrown;
    if (!args.json && !endsWithNewline) await write(out, '\n');
    const hint = thrown.kind === 'auth' ? keyHint(settings, thrown.model) : '';
    if (args.json) await write(out, `${JSON.stringify({ ...failureJson(thrown), message: thrown.message + hint })}\n`);
    if (thrown.kind === 'aborted') {
      process.stderr.write('baton: cancelled\n');
      return 130;
    }
    const partial = thrown instanceof RouterError && thrown.partial ? ' (the answer above is incomplete)' : '';
    process.stderr.write(`baton: error [${thrown.kind}]${partial}: ${thrown.message}${hint}\n`);
    return 1;
  }
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('no prompt: pass PROMPT as an argument or pipe it on stdin');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
