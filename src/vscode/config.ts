import * as vscode from 'vscode';
import { DEFAULT_SETTINGS } from '../core/settings/defaults';
import type { BatonSettings } from '../core/settings/types';
import { SETTING_KEYS, SettingsProblem, validateSettings } from '../core/settings/validate';
import type { KeyStore } from './keys';
import type { BatonLog } from './log';

const SECRET_FIELD = /^(api[-_]?key|key|token|secret|password)$/i;
const EMPTY: BatonSettings = { models: [], fallbacks: {}, ...DEFAULT_SETTINGS };

/**
 * The `baton.*` settings as plain config objects. Changes apply live. Invalid settings get a
 * warning that names the field, and Baton keeps working with the last good configuration.
 * A key typed into settings.json is refused, with an offer to move it into SecretStorage.
 */
export class BatonConfig implements vscode.Disposable {
  private current: BatonSettings = EMPTY;
  private lastWarning = '';
  private readonly changed = new vscode.EventEmitter<BatonSettings>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly log: BatonLog, private readonly keys: KeyStore) {
    this.subscription = vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('baton')) this.reload();
    });
  }

  get settings(): BatonSettings {
    return this.current;
  }

  /** Reads and validates the settings; returns the problems (empty when they were applied). */
  reload(): SettingsProblem[] {
    const config = vscode.workspace.getConfiguration('baton');
    const section = Object.fromEntries(SETTING_KEYS.map((key) => [key, config.get(key)]));
    const { settings, problems } = validateSettings(section);
    if (problems.length === 0) {
      this.current = settings;
      this.lastWarning = '';
      this.log.info(`settings: ${settings.models.length} model(s)${settings.models.length ? ` (${settings.models.map((m) => m.id).join(', ')})` : ''}, default ${settings.defaultModel ?? settings.models[0]?.id ?? 'none'}`);
      this.changed.fire(settings);
      return problems;
    }
    for (const problem of problems) this.log.warn(`settings: ${problem.path}: ${this.log.clean(problem.message)}`);
    const summary = problems.map((p) => `${p.path}: ${p.message}`).join('\n');
    if (summary !== this.lastWarning) {
      this.lastWarning = summary;
      void this.warn(problems);
    }
    return problems;
  }

  private async warn(problems: SettingsProblem[]): Promise<void> {
    const secrets = problems.filter((p) => /refused: API keys/.test(p.message));
    const [first] = secrets.length ? secrets : problems;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''}; see Baton: Show Log)` : '';
    const kept = this.current.models.length ? ' Baton keeps using the last valid settings.' : '';
    const actions = secrets.length ? ['Move Key to Secret Storage', 'Open Settings'] : ['Open Settings'];
    const message = secrets.length
      ? `Baton: an API key was found in settings.json (${first.path}). Keys are refused there: they would be stored in plain text and synced.${kept}`
      : `Baton: invalid setting ${first.path}: ${first.message}${more}.${kept}`;
    const choice = await vscode.window.showWarningMessage(message, ...actions);
    if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettingsJson');
    if (choice === 'Move Key to Secret Storage') await this.moveKeysToSecretStorage();
  }

  /** Moves every key found in `baton.models` entries into SecretStorage and removes it from settings. */
  async moveKeysToSecretStorage(): Promise<number> {
    const config = vscode.workspace.getConfiguration('baton');
    const inspected = config.inspect<unknown[]>('models');
    let moved = 0;
    const scopes: [unknown[] | undefined, vscode.ConfigurationTarget][] = [
      [inspected?.globalValue, vscode.ConfigurationTarget.Global],
      [inspected?.workspaceValue, vscode.ConfigurationTarget.Workspace],
      [inspected?.workspaceFolderValue, vscode.ConfigurationTarget.WorkspaceFolder],
    ];
    for (const [models, target] of scopes) {
      if (!Array.isArray(models)) continue;
      let changed = false;
      const cleaned: unknown[] = [];
      for (const entry of models) {
        if (typeof entry !== 'object' || entry === null) {
          cleaned.push(entry);
          continue;
        }
        const copy: Record<string, unknown> = { ...(entry as Record<string, unknown>) };
        for (const field of Object.keys(copy).filter((f) => SECRET_FIELD.test(f))) {
          const value = copy[field];
          delete copy[field];
          changed = true;
          if (typeof value === 'string' && value.trim() && typeof copy.id === 'string') {
            await this.keys.store({ model: copy.id }, value.trim());
            moved++;
          }
        }
        cleaned.push(copy);
      }
      if (changed) await config.update('models', cleaned, target);
    }
    if (moved) void vscode.window.showInformationMessage(`Baton moved ${moved} API key${moved > 1 ? 's' : ''} into Secret Storage and removed ${moved > 1 ? 'them' : 'it'} from settings.`);
    return moved;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
