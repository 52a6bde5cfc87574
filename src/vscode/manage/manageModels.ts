import * as vscode from 'vscode';
import { checkModels, ModelCheck } from '../../core/check';
import { chainLabel } from '../../core/lm/models';
import type { ModelConfig } from '../../core/settings/types';
import { originOf } from '../../core/keys';
import { DEFAULT_BASE_URLS } from '../../core/settings/defaults';
import type { BatonConfig } from '../config';
import type { KeyStore } from '../keys';
import type { BatonLog } from '../log';
import { askModel, FormStart, ModelDraft } from './modelForm';
import { deleteModel, saveFallbacks, saveModel, Scope, SCOPE_NAMES, scopeOf } from './settingsScope';

type MenuItem = vscode.QuickPickItem & { run?: () => Thenable<unknown> };

/**
 * "Baton: Manage Models": add, edit or remove a model without touching settings.json. A new or
 * edited model is probed (as "Baton: Check Models" does) before it is saved; a failed probe is
 * shown, and the user chooses to save anyway, edit again, or cancel. The key goes into Secret
 * Storage, the entry and its fallbacks into the settings file the user chose.
 */
export class ModelManager {
  private open?: Promise<void>;

  constructor(private readonly config: BatonConfig, private readonly keys: KeyStore, private readonly log: BatonLog) {}

  /**
   * Shows the flow: the menu, or straight to the Add Model form. A second call while it is open
   * joins the first instead of stacking another.
   */
  run(start: 'menu' | 'add' = 'menu'): Promise<void> {
    this.open ??= (start === 'add' ? this.add() : this.menu()).catch((error) => {
      const message = this.log.clean(error instanceof Error ? error.message : String(error));
      this.log.error(`manage models: ${message}`);
      void vscode.window.showErrorMessage(`Baton: ${message}`);
    }).finally(() => { this.open = undefined; });
    return this.open;
  }

  private async menu(): Promise<void> {
    const { models, fallbacks } = this.config.settings;
    // On first use there is nothing to manage yet: go straight to adding one.
    if (!models.length) return this.add();
    const items: MenuItem[] = [
      { label: '$(add) Add Model…', detail: 'Pick a provider and a model, enter its key; Baton checks it before saving.', run: () => this.add() },
      { label: 'Models', kind: vscode.QuickPickItemKind.Separator },
    ];
    for (const model of models) {
      const key = await this.keys.has({ model: model.id }) ? 'key stored' : 'no key of its own';
      items.push({
        label: model.label ?? model.id,
        description: `${model.provider} · ${model.model}`,
        detail: `${fallbacks[model.id]?.length ? chainLabel(this.config.settings, model.id) : 'no fallbacks'} · ${key}`,
        run: () => this.modelMenu(model),
      });
    }
    const picked = await vscode.window.showQuickPick(items, { title: 'Baton: Manage Models', placeHolder: 'Add a model, or pick one to edit, check or remove', matchOnDescription: true });
    await picked?.run?.();
  }

  private async modelMenu(model: ModelConfig): Promise<void> {
    const isDefault = (this.config.settings.defaultModel ?? this.config.settings.models[0]?.id) === model.id;
    const items: MenuItem[] = [
      { label: '$(edit) Edit…', description: 'provider, model name, base URL, key, fallbacks', run: () => this.edit(model) },
      { label: '$(key) Set Key…', run: () => vscode.commands.executeCommand('baton.setApiKey', { model: model.id }) },
      { label: '$(list-ordered) Fallbacks…', run: () => this.editFallbacks(model) },
      { label: '$(pulse) Check', description: 'send a tiny request now', run: () => this.checkExisting(model) },
      ...(isDefault ? [] : [{ label: '$(star) Make Default', description: 'new requests start with it', run: () => vscode.commands.executeCommand('baton.selectModel', model.id) }]),
      { label: '$(trash) Remove…', run: () => this.remove(model) },
    ];
    const picked = await vscode.window.showQuickPick(items, { title: `Baton: ${model.id} (${model.provider} · ${model.model})` });
    await picked?.run?.();
  }

  private async add(start: FormStart = {}): Promise<void> {
    const draft = await askModel(this.config.settings, start);
    if (draft) await this.checkAndSave(draft, start);
  }

  private async edit(model: ModelConfig): Promise<void> {
    const scope = scopeOf(model.id);
    if (!scope) {
      void vscode.window.showWarningMessage(`Baton: ${model.id} is not in your user or workspace settings (a folder's settings define it); edit it there.`, 'Open Settings')
        .then((open) => open && vscode.commands.executeCommand('workbench.action.openSettingsJson'));
      return;
    }
    const existing = {
      id: model.id, provider: model.provider, model: model.model, baseUrl: model.baseUrl, scope,
      backups: this.config.settings.fallbacks[model.id] ?? [], hasKey: await this.keys.has({ model: model.id }),
    };
    return this.add({ existing });
  }

  /** Probes the draft with the key just typed (or the stored one); saves when it answers or the user says so. */
  private async checkAndSave(draft: ModelDraft, start: FormStart): Promise<void> {
    const model: ModelConfig = { id: draft.id, provider: draft.provider, model: draft.model, baseUrl: draft.baseUrl };
    const result = await this.probe(model, draft.key);
    if (!result.ok) {
      const detail = this.log.clean(`${result.errorKind}: ${result.error}`);
      const items: MenuItem[] = [
        { label: '$(edit) Edit Again', run: () => this.add({ ...start, retry: draft }) },
        { label: '$(save) Save Anyway', description: 'keep it, and fix the server or key later', run: () => this.save(draft, result) },
        { label: '$(close) Cancel', description: 'nothing is saved' },
      ];
      const picked = await vscode.window.showQuickPick(items, { title: `Baton: ${draft.id} did not answer the check`, placeHolder: detail, ignoreFocusOut: true });
      await picked?.run?.();
      return;
    }
    await this.save(draft, result);
  }

  private async save(draft: ModelDraft, check: ModelCheck): Promise<void> {
    await saveModel({ id: draft.id, provider: draft.provider, model: draft.model, baseUrl: draft.baseUrl }, draft.backups, draft.scope);
    // The key is bound to the origin it was typed for: it goes nowhere else without asking.
    if (draft.key) await this.keys.store({ model: draft.id }, draft.key, originOf(draft.baseUrl || DEFAULT_BASE_URLS[draft.provider]));
    this.config.reload();
    const answered = check.ok ? `, answered the check in ${check.firstTokenMs ?? '?'} ms` : ', did not answer the check';
    this.log.info(`manage models: saved ${draft.id} (${draft.provider} · ${draft.model}) to ${SCOPE_NAMES[draft.scope]}${draft.key ? ', key stored' : ''}${answered}`);
    void vscode.window.showInformationMessage(`Baton: saved ${draft.id} to ${SCOPE_NAMES[draft.scope]}${answered}.`);
  }

  private async probe(model: ModelConfig, typedKey: string | undefined): Promise<ModelCheck> {
    const settings = { ...this.config.settings, models: [model] };
    const [result] = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Baton: checking ${model.id}…`, cancellable: true },
      (_progress, token) => {
        const controller = new AbortController();
        const listener = token.onCancellationRequested(() => controller.abort());
        return checkModels(settings, async (m) => typedKey ?? await this.keys.resolve(m), controller.signal).finally(() => listener.dispose());
      },
    );
    const line = `check: ${result.model}: ${result.ok ? `ok, first token ${result.firstTokenMs ?? '?'} ms` : `FAILED; ${result.errorKind}: ${result.error}`}`;
    (result.ok ? this.log.info : this.log.warn).call(this.log, line);
    return result;
  }

  private async checkExisting(model: ModelConfig): Promise<void> {
    const result = await this.probe(model, undefined);
    if (result.ok) void vscode.window.showInformationMessage(`Baton: ${model.id} answered in ${result.firstTokenMs ?? '?'} ms.`);
    else void vscode.window.showWarningMessage(`Baton: ${model.id} did not answer: ${this.log.clean(`${result.errorKind}: ${result.error}`)}`, 'Edit Model')
      .then((choice) => choice && this.edit(model));
  }

  private async editFallbacks(model: ModelConfig): Promise<void> {
    const { models, fallbacks } = this.config.settings;
    const current = fallbacks[model.id] ?? [];
    const others = models.filter((m) => m.id !== model.id);
    if (!others.length) {
      void vscode.window.showInformationMessage(`Baton: ${model.id} is the only model; add another with "Add Model…" to use it as a backup.`);
      return;
    }
    const ordered = [...current.map((b) => others.find((m) => m.id === b)).filter((m) => m !== undefined), ...others.filter((m) => !current.includes(m.id))];
    const picked = await vscode.window.showQuickPick(ordered.map((m) => ({ label: m.id, description: `${m.provider} · ${m.model}`, picked: current.includes(m.id) })), {
      title: `Baton: backups for ${model.id}`, placeHolder: 'Tried in this order when it fails (none is fine)', canPickMany: true,
    });
    if (!picked) return;
    const scope: Scope = scopeOf(model.id) ?? 'user';
    await saveFallbacks(model.id, picked.map((p) => p.label), scope);
    this.log.info(`manage models: fallbacks of ${model.id} are now ${picked.map((p) => p.label).join(', ') || 'none'} (${SCOPE_NAMES[scope]})`);
  }

  private async remove(model: ModelConfig): Promise<void> {
    const scope = scopeOf(model.id);
    if (!scope) {
      void vscode.window.showWarningMessage(`Baton: ${model.id} is not in your user or workspace settings; remove it where it is defined.`);
      return;
    }
    const confirm = await vscode.window.showWarningMessage(
      `Remove ${model.id} from ${SCOPE_NAMES[scope]}?`, { modal: true, detail: 'Its stored key is deleted too, and it is taken out of every fallback list in that file.' }, 'Remove');
    if (confirm !== 'Remove') return;
    await deleteModel(model.id, scope);
    await this.keys.clear({ model: model.id });
    this.config.reload();
    this.log.info(`manage models: removed ${model.id} from ${SCOPE_NAMES[scope]} and cleared its key`);
  }
}

export function registerManageModels(manager: ModelManager): vscode.Disposable {
  // The editor's own Manage Models view passes the vendor id as the argument; nothing to read from it.
  return vscode.commands.registerCommand('baton.manageModels', () => manager.run());
}
