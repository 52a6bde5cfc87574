import * as vscode from 'vscode';
import { originOf, providerOrigin } from '../core/keys';
import { DEFAULT_BASE_URLS, DEFAULT_SETTINGS } from '../core/settings/defaults';
import type { BatonSettings } from '../core/settings/types';
import { SETTING_KEYS, SettingsProblem, validateSettings } from '../core/settings/validate';
import type { KeyStore } from './keys';
import type { BatonLog } from './log';

const SECRET_FIELD = /^(api[-_]?key|key|token|secret|password)$/i;
const SECRET_HEADER = /^(authorization|x-api-key|api-key|x-goog-api-key)$/i;
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
    const choice = await vscode.window.showWarningMessage(this.log.clean(message), ...actions);
    if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettingsJson');
    if (choice === 'Move Key to Secret Storage') await this.moveKeysToSecretStorage();
  }

  /** Where the effective `baton.models` comes from: the most specific scope that sets it wins whole. */
  modelsScope(): 'workspace' | 'user' {
    const inspected = vscode.workspace.getConfiguration('baton').inspect<unknown>('models');
    return inspected?.workspaceFolderValue !== undefined || inspected?.workspaceValue !== undefined ? 'workspace' : 'user';
  }

  /**
   * Moves every key found in `baton.models` entries (a secret field such as `apiKey`, or a secret
   * header such as `Authorization: Bearer …`) into SecretStorage, bound to that model's origin,
   * and removes it from settings. A key that sat in a settings file is advised to be rotated.
   */
  async moveKeysToSecretStorage(): Promise<number> {
    const config = vscode.workspace.getConfiguration('baton');
    const inspected = config.inspect<unknown[]>('models');
    let moved = 0;
    const unmovable: string[] = [];
    const exposed = new Set<string>();
    const scopes: [unknown[] | undefined, vscode.ConfigurationTarget, string][] = [
      [inspected?.globalValue, vscode.ConfigurationTarget.Global, 'your user settings (synced by Settings Sync, if it is on)'],
      [inspected?.workspaceValue, vscode.ConfigurationTarget.Workspace, "the workspace's settings (.vscode/settings.json, which may be committed)"],
      [inspected?.workspaceFolderValue, vscode.ConfigurationTarget.WorkspaceFolder, "the folder's settings (.vscode/settings.json, which may be committed)"],
    ];
    for (const [models, target, where] of scopes) {
      if (!Array.isArray(models)) continue;
      let changed = false;
      const cleaned: unknown[] = [];
      for (const [index, entry] of models.entries()) {
        if (typeof entry !== 'object' || entry === null) {
          cleaned.push(entry);
          continue;
        }
        const found = extractKeys(entry as Record<string, unknown>);
        unmovable.push(...found.unmovable.map((field) => `baton.models[${index}].${field}`));
        if (!found.changed) {
          cleaned.push(entry);
          continue;
        }
        changed = true;
        const copy = found.entry;
        if (found.key && typeof copy.id === 'string') {
          await this.keys.store({ model: copy.id }, found.key, modelOrigin(copy));
          moved++;
          exposed.add(where);
        }
        cleaned.push(copy);
      }
      if (changed) await config.update('models', cleaned, target);
    }
    if (moved) {
      this.log.info(`keys: moved ${moved} key(s) from settings into Secret Storage`);
      void vscode.window.showWarningMessage(
        `Baton moved ${moved} API key${moved > 1 ? 's' : ''} into Secret Storage and removed ${moved > 1 ? 'them' : 'it'} from settings. ` +
        `${moved > 1 ? 'They' : 'It'} sat in plain text in ${[...exposed].join(' and ')}: rotate ${moved > 1 ? 'them' : 'it'} at your provider if that file was ever committed, shared or synced.`,
      );
    }
    if (unmovable.length) {
      void vscode.window.showWarningMessage(`Baton could not move ${unmovable.join(', ')}: only a bare key or "Bearer <key>" can be moved. Remove it from settings and run "Baton: Set API Key".`, 'Open Settings')
        .then((choice) => choice && vscode.commands.executeCommand('workbench.action.openSettingsJson'));
    }
    return moved;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** The origin a settings entry sends to, as far as it says (for binding a moved key). */
function modelOrigin(entry: Record<string, unknown>): string | undefined {
  if (typeof entry.baseUrl === 'string') return originOf(entry.baseUrl.trim());
  const provider = entry.provider as keyof typeof DEFAULT_BASE_URLS;
  return typeof provider === 'string' && DEFAULT_BASE_URLS[provider] ? providerOrigin(provider) : undefined;
}

/**
 * Takes the key out of one `baton.models` entry: from a secret field (`apiKey`, `token`, …), else
 * from a secret header (`Authorization: Bearer <key>`, `x-api-key: <key>`). An Authorization header
 * with another scheme (Basic, …) is not a key Baton can send, so it stays and is reported.
 */
function extractKeys(entry: Record<string, unknown>): { entry: Record<string, unknown>; key?: string; changed: boolean; unmovable: string[] } {
  const copy: Record<string, unknown> = { ...entry };
  const unmovable: string[] = [];
  let key: string | undefined;
  let changed = false;
  for (const field of Object.keys(copy).filter((f) => SECRET_FIELD.test(f))) {
    const value = copy[field];
    delete copy[field];
    changed = true;
    if (!key && typeof value === 'string' && value.trim()) key = value.trim();
  }
  const headers = copy.headers;
  if (headers && typeof headers === 'object' && !Array.isArray(headers)) {
    const kept: Record<string, unknown> = { ...(headers as Record<string, unknown>) };
    for (const name of Object.keys(kept).filter((h) => SECRET_HEADER.test(h))) {
      const value = typeof kept[name] === 'string' ? (kept[name] as string).trim() : '';
      const bearer = /^bearer\s+(\S+)$/i.exec(value);
      const bare = /^authorization$/i.test(name) ? undefined : /^\S+$/.test(value) ? value : undefined;
      const found = bearer?.[1] ?? bare;
      if (!found && value) {
        unmovable.push(`headers.${name}`);
        continue;
      }
      delete kept[name];
      changed = true;
      if (!key && found) key = found;
    }
    if (Object.keys(kept).length) copy.headers = kept;
    else delete copy.headers;
  }
  return { entry: copy, key, changed, unmovable };
}
