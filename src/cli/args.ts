import { parseArgs } from 'node:util';
import { UsageError } from './settingsFile';

export const USAGE = `Usage:
  baton chat [--settings FILE] [--model ID] [--system TEXT] [--json] [PROMPT]   (PROMPT, else stdin)
             [--tools FILE] [--messages FILE]
  baton check [--settings FILE] [--json]

Tools: --tools FILE is a JSON array of { "name", "description", "parameters" } (a JSON Schema).
--messages FILE is the conversation so far, in Baton's neutral format (see the README); PROMPT is
then optional and, when given, is added as the last user message. A complete tool call prints as
one JSON line {"type":"tool-call","id","name","arguments"} after the text; exit code 0.

Settings: FILE holds the baton.* keys (JSON with comments). Without --settings, Baton reads
VS Code's user settings.json. Keys come from BATON_API_KEY_<ID>, else the provider's usual
variable (OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY) for its own endpoint.

Exit codes: 0 a complete answer; 3 the model stopped early (length limit, other reason);
1 the chain failed; 2 bad arguments or settings; 130 cancelled.`;

export interface ChatArgs {
  command: 'chat';
  settings?: string;
  model?: string;
  system?: string;
  json: boolean;
  prompt?: string;
  /** A JSON file with the tools the model may call. */
  tools?: string;
  /** A JSON file with the conversation so far. */
  messages?: string;
}

export interface CheckArgs {
  command: 'check';
  settings?: string;
  json: boolean;
}

export function parseCommandLine(argv: string[]): ChatArgs | CheckArgs | { command: 'help' } {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') return { command: 'help' };
  if (command !== 'chat' && command !== 'check') throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: command === 'chat',
      options: {
        settings: { type: 'string' },
        json: { type: 'boolean', default: false },
        ...(command === 'chat' ? {
          model: { type: 'string' as const }, system: { type: 'string' as const },
          tools: { type: 'string' as const }, messages: { type: 'string' as const },
        } : {}),
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (command === 'check') return { command, settings: values.settings as string | undefined, json: Boolean(values.json) };
  return {
    command,
    settings: values.settings as string | undefined,
    model: values.model as string | undefined,
    system: values.system as string | undefined,
    json: Boolean(values.json),
    prompt: positionals.length ? positionals.join(' ') : undefined,
    tools: values.tools as string | undefined,
    messages: values.messages as string | undefined,
  };
}
