import * as vscode from 'vscode';
import { DEFAULT_BASE_URLS } from '../../core/settings/defaults';
import { dropFromFallbacks, hasModel, ModelEntryEdit, removeModel, setFallbacks, upsertModel } from '../../core/settings/edit';
import type { ProviderName } from '../../core/settings/types';

/** The settings files "Baton: Manage Models" can write. */
export type Scope = 'user' | 'workspace';

const TARGET: Record<Scope, vscode.ConfigurationTarget> = {
  user: vscode.ConfigurationTarget.Global,
  workspace: vscode.ConfigurationTarget.Workspace,
};

export const SCOPE_NAMES: Record<Scope, string> = { user: 'User settings', workspace: 'Workspace settings' };

function raw(key: 'models' | 'fallbacks', scope: Scope): unknown {
  const inspected = vscode.workspace.getConfiguration('baton').inspect(key);
  return scope === 'user' ? inspected?.globalValue : inspected?.workspaceValue;
}

/** The scope whose `baton.models` holds this id, workspace first (it wins when both do). */
export function scopeOf(id: string): Scope | undefined {
  if (hasModel(raw('models', 'workspace'), id)) return 'workspace';
  if (hasModel(raw('models', 'user'), id)) return 'user';
  return undefined;
}

/** Whether the workspace sets its own `baton.models`, which hides the user's list while it is open. */
export function workspaceHasModels(): boolean {
  return raw('models', 'workspace') !== undefined;
}

async function update(key: 'models' | 'fallbacks', value: unknown, scope: Scope): Promise<void> {
  try {
    await vscode.workspace.getConfiguration('baton').update(key, value, TARGET[scope]);
  } catch (error) {
    throw new Error(`could not write baton.${key} to ${SCOPE_NAMES[scope]}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Writes one model entry and its fallbacks into `scope`, leaving every other entry as it was. */
export async function saveModel(edit: ModelEntryEdit, backups: readonly string[], scope: Scope): Promise<void> {
  await update('models', upsertModel(raw('models', scope), edit, DEFAULT_BASE_URLS[edit.provider as ProviderName]), scope);
  const fallbacks = setFallbacks(raw('fallbacks', scope), edit.id, backups);
  // An empty map in a scope that had none would be noise in the user's file.
  if (raw('fallbacks', scope) !== undefined || Object.keys(fallbacks).length) await update('fallbacks', fallbacks, scope);
}

/** Removes the entry from `scope`, and the id from that scope's fallbacks (as a model and as a backup). */
export async function deleteModel(id: string, scope: Scope): Promise<void> {
  await update('models', removeModel(raw('models', scope), id), scope);
  if (raw('fallbacks', scope) !== undefined) await update('fallbacks', dropFromFallbacks(raw('fallbacks', scope), id), scope);
}

/** Sets only the fallbacks of `id` in `scope`. */
export async function saveFallbacks(id: string, backups: readonly string[], scope: Scope): Promise<void> {
  await update('fallbacks', setFallbacks(raw('fallbacks', scope), id, backups), scope);
}
