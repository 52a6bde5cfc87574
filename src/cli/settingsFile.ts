import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, ParseError, printParseErrorCode } from 'jsonc-parser';
import { batonSection } from '../core/settings/section';
import { validateSettings } from '../core/settings/validate';
import type { BatonSettings } from '../core/settings/types';

/** A problem the user must fix before the CLI can run; its message says what and where. */
export class UsageError extends Error {}

/** VS Code's user settings.json on this platform, where the CLI looks without --settings. */
export function vscodeUserSettingsPath(env = process.env, platform = process.platform): string {
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), 'Code', 'User', 'settings.json');
  if (platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'Code', 'User', 'settings.json');
  return path.join(env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'Code', 'User', 'settings.json');
}

/** Reads and validates the `baton.*` keys from a JSON-with-comments file. */
export function loadSettings(file: string | undefined): { settings: BatonSettings; file: string } {
  const target = file ?? process.env.BATON_SETTINGS ?? vscodeUserSettingsPath();
  let text: string;
  try {
    text = fs.readFileSync(target, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT'
      ? `no settings file at ${target}; pass --settings FILE with your baton.* keys (e.g. "baton.models")`
      : `cannot read ${target}: ${(error as Error).message}`);
  }
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length) {
    const first = errors[0];
    const { line, column } = position(text, first.offset);
    throw new UsageError(`${target}:${line}:${column}: ${describeParseError(printParseErrorCode(first.error))}; the file must be JSON (comments and trailing commas are fine)`);
  }
  const { settings, problems } = validateSettings(batonSection(value));
  if (problems.length) {
    throw new UsageError(`invalid settings in ${target}:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
  }
  return { settings, file: target };
}

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

function describeParseError(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
