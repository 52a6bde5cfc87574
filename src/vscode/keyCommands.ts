import * as vscode from 'vscode';
import { describeKeyVariables, originOf, providerOrigin } from '../core/keys';
import { PROVIDER_NAMES, ProviderName } from '../core/settings/types';
import type { BatonConfig } from './config';
import type { KeyStore, KeyTarget } from './keys';
import type { BatonLog } from './log';

/**
 * Arguments for scripted use: `executeCommand('baton.setApiKey', { model: 'fast' })` opens the key
 * box for that model. A `key` is taken only under test: any extension can run commands, and none
 * should be able to replace the user's keys behind their back.
 */
interface KeyArgs {
  model?: string;
  provider?: ProviderName;
  key?: string;
}

interface TargetItem extends vscode.QuickPickItem {
  target: KeyTarget;
}

async function pickTarget(config: BatonConfig, keys: KeyStore, title: string, args?: KeyArgs): Promise<KeyTarget | undefined> {
  if (args?.model) return { model: args.model };
  if (args?.provider) return { provider: args.provider };
  const items: (TargetItem | vscode.QuickPickItem)[] = [];
  if (config.settings.models.length) items.push({ label: 'Models', kind: vscode.QuickPickItemKind.Separator });
  for (const model of config.settings.models) {
    const stored = await keys.has({ model: model.id });
    items.push({
      label: model.label ?? model.id,
      description: `${model.provider} · ${model.model}${stored ? ' · key stored' : ''}`,
      detail: `Only for this model, sent only to ${originOf(model.baseUrl)}. Environment fallback: ${describeKeyVariables(model, config.settings.models)}`,
      target: { model: model.id },
    });
  }
  items.push({ label: 'Providers', kind: vscode.QuickPickItemKind.Separator });
  for (const provider of PROVIDER_NAMES) {
    const stored = await keys.has({ provider });
    items.push({
      label: provider,
      description: stored ? 'key stored' : undefined,
      detail: `For every model of this provider at its own endpoint, ${providerOrigin(provider)}`,
      target: { provider },
    });
  }
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Pick a model or a provider', matchOnDescription: true });
  return picked && 'target' in picked ? (picked as TargetItem).target : undefined;
}

/** Where a key for `target` will be sent: the model's current origin, or the provider's endpoint. */
function destination(config: BatonConfig, target: KeyTarget): string | undefined {
  if ('provider' in target) return providerOrigin(target.provider);
  const model = config.settings.models.find((m) => m.id === target.model);
  return model && originOf(model.baseUrl);
}

const describeTarget = (target: KeyTarget) => ('model' in target ? `model "${target.model}"` : `provider ${target.provider}`);

export interface KeyCommandOptions {
  /** Accept `key` in the arguments of `baton.setApiKey` (the host suite's hook). */
  scriptedKeys: boolean;
}

export function registerKeyCommands(config: BatonConfig, keys: KeyStore, log: BatonLog, options: KeyCommandOptions): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('baton.setApiKey', async (args?: KeyArgs) => {
      const target = await pickTarget(config, keys, 'Baton: Set API Key', args);
      if (!target) return false;
      const origin = destination(config, target);
      const scripted = options.scriptedKeys && typeof args?.key === 'string' ? args.key : undefined;
      const key = scripted ?? await vscode.window.showInputBox({
        title: `Baton: API key for ${describeTarget(target)}`,
        prompt: `Stored in the OS keyring through VS Code Secret Storage; never in settings or logs. Sent only to ${origin ?? 'the address the model has when it is first used'}.`,
        password: true,
        ignoreFocusOut: true,
        validateInput: (value) => (value.trim() ? (/\s/.test(value.trim()) ? 'A key has no spaces' : undefined) : 'Paste the key, or press Escape to cancel'),
      });
      if (!key?.trim()) return false;
      const persisted = await keys.store(target, key.trim(), origin);
      log.info(`keys: stored a key for ${describeTarget(target)}, bound to ${origin ?? 'its first address'}${persisted ? '' : ', in memory only (keyring unavailable)'}`);
      if (!scripted) void vscode.window.showInformationMessage(`Baton: key for ${describeTarget(target)} saved${persisted ? ' in Secret Storage' : ' for this window'}.`);
      return true;
    }),
    vscode.commands.registerCommand('baton.clearApiKey', async (args?: KeyArgs) => {
      const target = await pickTarget(config, keys, 'Baton: Clear API Key', args);
      if (!target) return false;
      await keys.clear(target);
      log.info(`keys: cleared the key for ${describeTarget(target)}`);
      if (!args) void vscode.window.showInformationMessage(`Baton: key for ${describeTarget(target)} cleared.`);
      return true;
    }),
  ];
}
