import type { ChatMessage, ToolCall } from '../core/chat';
import { BatonError } from '../core/errors';
import type { RouterEvent } from '../core/router/events';
import type { BatonSettings } from '../core/settings/types';
import type { FinishReason } from '../core/streamPart';
import { keyFromEnvironment } from '../core/keys';
import { describeEvent } from '../core/router/describe';
import { Router } from '../core/router/router';
import { RouterError } from '../core/router/routerError';
import type { ChatArgs } from './args';
import { loadMessages, loadTools } from './conversationFiles';
import { keyHint } from './keyHint';
import { eventJson, failureJson, toolCallJson, write } from './output';
import { loadSettings, UsageError } from './settingsFile';

/** The exit code for an answer that arrived whole but ended for a reason other than stop. */
export const EXIT_INCOMPLETE = 3;

/**
 * `baton chat`: streams the answer to stdout exactly once, notices to stderr (or, with --json,
 * one JSON event per line on stdout). Complete tool calls follow the text, one JSON line each.
 * Resolves to the exit code: 0 only for a complete answer (one that ends in tool calls is complete),
 * 3 when the model stopped early (its length limit, a content filter), 1 when the chain failed.
 */
export async function chatCommand(args: ChatArgs, signal: AbortSignal): Promise<number> {
  const { settings } = loadSettings(args.settings);
  const tools = args.tools ? loadTools(args.tools) : undefined;
  const messages = await conversation(args);
  const router = new Router({ settings: () => settings, resolveKey: (model) => keyFromEnvironment(model, process.env, settings.models) });
  const out = process.stdout;
  const printed: Printed = { toolCalls: [], endsWithNewline: true };
  try {
    const events = router.stream({ model: args.model, system: args.system, messages, ...(tools ? { tools } : {}) }, signal);
    await (args.json ? printJson(events, out, printed) : printText(events, out, settings, printed));
    const { toolCalls, endsWithNewline, incomplete } = printed;
    if (toolCalls.length) {
      if (!endsWithNewline) await write(out, '\n');
      for (const call of toolCalls) await write(out, `${JSON.stringify(toolCallJson(call))}\n`);
    } else if (!args.json && !endsWithNewline && out.isTTY) {
      await write(out, '\n');
    }
    if (incomplete) {
      process.stderr.write(`baton: incomplete answer: ${incomplete}\n`);
      return EXIT_INCOMPLETE;
    }
    return 0;
  } catch (thrown) {
    if (!BatonError.is(thrown)) throw thrown;
    if (!args.json && !printed.endsWithNewline) await write(out, '\n');
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

/** What was printed so far, for the end of the turn. */
interface Printed {
  toolCalls: ToolCall[];
  endsWithNewline: boolean;
  /** Why the answer is incomplete, when it ended for a reason other than stop. */
  incomplete?: string;
}

/** The answer to stdout as it streams, notices to stderr. The loop runs for every network read, so it stays small. */
async function printText(events: AsyncIterable<RouterEvent>, out: NodeJS.WriteStream, settings: BatonSettings, printed: Printed): Promise<void> {
  for await (const event of events) {
    if (event.type === 'text') {
      printed.endsWithNewline = event.text.endsWith('\n');
      const drained = write(out, event.text);
      if (drained) await drained;
    } else {
      await notice(event, out, settings, printed);
    }
  }
}

async function notice(event: RouterEvent, out: NodeJS.WriteStream, settings: BatonSettings, printed: Printed): Promise<void> {
  if (event.type === 'done') {
    printed.incomplete = whyIncomplete(event.finishReason, event.model);
  } else if (event.type === 'tool-call') {
    printed.toolCalls.push(event.call);
  } else if (event.type === 'fallback' && event.form === 'restart') {
    if (!printed.endsWithNewline) await write(out, '\n');
    process.stderr.write(`baton: ${describeEvent(event)}; the answer starts again below\n`);
  } else if (event.type !== 'reasoning' && event.type !== 'attempt') {
    const hint = 'error' in event && event.error.kind === 'auth' ? keyHint(settings, event.error.model) : '';
    process.stderr.write(`baton: ${describeEvent(event)}${hint}\n`);
  }
}

/** --json: every event, tool calls among them, as one JSON line on stdout. */
async function printJson(events: AsyncIterable<RouterEvent>, out: NodeJS.WriteStream, printed: Printed): Promise<void> {
  for await (const event of events) {
    if (event.type === 'done') printed.incomplete = whyIncomplete(event.finishReason, event.model);
    await write(out, `${JSON.stringify(eventJson(event))}\n`);
  }
}

/**
 * The conversation to send: the --messages file (with PROMPT as a last user message when given),
 * or PROMPT alone, else stdin.
 */
async function conversation(args: ChatArgs): Promise<ChatMessage[]> {
  if (args.messages) {
    const messages = loadMessages(args.messages);
    return args.prompt !== undefined ? [...messages, { role: 'user', content: args.prompt }] : messages;
  }
  const prompt = args.prompt ?? (await readStdin());
  if (!prompt.trim()) throw new UsageError('no prompt: pass PROMPT as an argument or pipe it on stdin');
  return [{ role: 'user', content: prompt }];
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('no prompt: pass PROMPT as an argument or pipe it on stdin');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Why an answer that ended for `reason` is not complete, or undefined when it is. */
function whyIncomplete(reason: FinishReason, model: string): string | undefined {
  switch (reason) {
    case 'stop':
    case 'tool-calls': return undefined;
    case 'length': return `${model} stopped at the length limit (maxTokens, or the model's own output limit)`;
    case 'content-filter': return `${model} stopped: the provider's content filter ended the answer`;
    case 'other': return `${model} stopped for a reason other than a natural end`;
  }
}
