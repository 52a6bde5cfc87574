import { checkModels, ModelCheck } from '../core/check';
import { describeKeyVariables, keyFromEnvironment } from '../core/keys';
import type { CheckArgs } from './args';
import { loadSettings } from './settingsFile';

/** `baton check`: probes every model; exit code 0 only when all of them answered. */
export async function checkCommand(args: CheckArgs, signal: AbortSignal): Promise<number> {
  const { settings, file } = loadSettings(args.settings);
  if (!settings.models.length) {
    process.stderr.write(`baton: no models in ${file}; add baton.models first\n`);
    return 1;
  }
  const results = await checkModels(settings, (model) => keyFromEnvironment(model, process.env, settings.models), signal);
  if (args.json) {
    for (const result of results) process.stdout.write(`${JSON.stringify({ type: 'check', ...result })}\n`);
  } else {
    for (const result of results) {
      const model = settings.models.find((m) => m.id === result.model)!;
      process.stdout.write(`${formatCheck(result)}${result.authOk === false && !result.hasKey ? ` (no key found in ${describeKeyVariables(model, settings.models)})` : ''}\n`);
    }
  }
  return results.every((r) => r.ok) ? 0 : 1;
}

/** One line per model: `✓ fast  openai  reachable, auth ok, first token 412 ms`. */
export function formatCheck(result: ModelCheck): string {
  const mark = result.ok ? '✓' : '✗';
  const facts = [
    result.reachable ? 'reachable' : 'unreachable',
    result.authOk === undefined ? 'auth unknown' : result.authOk ? 'auth ok' : 'auth failed',
    result.firstTokenMs !== undefined ? `first token ${result.firstTokenMs} ms` : undefined,
    result.errorKind ? `${result.errorKind}: ${result.error}` : undefined,
  ].filter(Boolean);
  return `${mark} ${result.model.padEnd(12)} ${result.provider.padEnd(17)} ${facts.join(', ')}`;
}
