import * as vscode from 'vscode';
import { DEFAULT_BASE_URLS } from '../../core/settings/defaults';
import { checkBaseUrl, checkModelId, suggestModelId } from '../../core/settings/edit';
import type { BatonSettings, ProviderName } from '../../core/settings/types';
import { Scope, SCOPE_NAMES, workspaceHasModels } from './settingsScope';

/** A model as the form collected it, before it is checked and saved. */
export interface ModelDraft {
  id: string;
  provider: ProviderName;
  model: string;
  baseUrl: string;
  /** The key typed into the password box; undefined to keep the stored one (or to use none). */
  key?: string;
  backups: string[];
  scope: Scope;
}

interface ProviderChoice extends vscode.QuickPickItem {
  provider: ProviderName;
  baseUrl: string;
  example: string;
}

const PROVIDERS: ProviderChoice[] = [
  { label: 'OpenAI', description: 'Chat Completions', provider: 'openai', baseUrl: DEFAULT_BASE_URLS.openai, example: 'gpt-4.1-mini' },
  { label: 'OpenAI-compatible server', description: 'LiteLLM, OpenRouter, vLLM, LM Studio, llama.cpp, Azure', provider: 'openai', baseUrl: 'http://127.0.0.1:8000/v1', example: 'the server\'s model name' },
  { label: 'OpenAI Responses', description: 'the Responses API', provider: 'openai-responses', baseUrl: DEFAULT_BASE_URLS['openai-responses'], example: 'gpt-4.1' },
  { label: 'Anthropic', description: 'Messages API', provider: 'anthropic', baseUrl: DEFAULT_BASE_URLS.anthropic, example: 'claude-sonnet-4-5' },
  { label: 'Google Gemini', description: 'Gemini API', provider: 'gemini', baseUrl: DEFAULT_BASE_URLS.gemini, example: 'gemini-2.5-flash' },
  { label: 'Ollama', description: 'local, native /api/chat', provider: 'ollama', baseUrl: DEFAULT_BASE_URLS.ollama, example: 'qwen2.5-coder' },
];

/** What the form starts from: nothing (a new model), or the model being edited. */
export interface FormStart {
  existing?: { id: string; provider: ProviderName; model: string; baseUrl: string; backups: string[]; scope: Scope; hasKey: boolean };
  /** Values of an earlier pass, when the user chose "Edit Again" after a failed check. */
  retry?: ModelDraft;
}

/**
 * Asks, one box at a time: the provider, the model name, the base URL (prefilled with the
 * provider's default), an id (new models only), the key in a password box, the backups, and the
 * settings file to write (new models only, when a workspace is open). Undefined when cancelled.
 */
export async function askModel(settings: BatonSettings, start: FormStart = {}): Promise<ModelDraft | undefined> {
  const { existing } = start;
  const prior = start.retry ?? existing;
  const isNew = !existing;
  const others = settings.models.filter((m) => m.id !== existing?.id);
  const askScope = isNew && (vscode.workspace.workspaceFolders?.length ?? 0) > 0;
  const total = 4 + (isNew ? 1 : 0) + (others.length ? 1 : 0) + (askScope ? 1 : 0);
  let step = 0;
  const title = () => `Baton: ${isNew ? 'Add Model' : `Edit ${existing.id}`} (${++step}/${total})`;

  // The current provider comes first, so Enter keeps it.
  const isCurrent = (p: ProviderChoice) => prior?.provider === p.provider
    && (p.provider !== 'openai' || (p.label === 'OpenAI') === (prior.baseUrl === DEFAULT_BASE_URLS.openai));
  const choices = [...PROVIDERS.filter(isCurrent).map((p) => ({ ...p, detail: 'current' })), ...PROVIDERS.filter((p) => !isCurrent(p))];
  const choice = await vscode.window.showQuickPick(choices, { title: title(), placeHolder: 'Which API does the model speak?', ignoreFocusOut: true, matchOnDescription: true });
  if (!choice) return undefined;

  const model = await vscode.window.showInputBox({
    title: title(), prompt: `The provider's name for the model, e.g. ${choice.example}`, value: prior?.model ?? '', ignoreFocusOut: true,
    validateInput: (value) => (value.trim() ? undefined : 'Enter the model name'),
  });
  if (model === undefined) return undefined;

  const sameProvider = prior?.provider === choice.provider;
  const baseUrl = await vscode.window.showInputBox({
    title: title(), prompt: `The API base URL. Default for ${choice.label}: ${choice.baseUrl}`, value: sameProvider ? prior.baseUrl : choice.baseUrl,
    ignoreFocusOut: true, validateInput: (value) => checkBaseUrl(value.trim()),
  });
  if (baseUrl === undefined) return undefined;

  let id = existing?.id ?? '';
  if (isNew) {
    const taken = settings.models.map((m) => m.id);
    const typed = await vscode.window.showInputBox({
      title: title(), prompt: 'Baton\'s name for this model: fallbacks, pickers and the key use it', value: start.retry?.id ?? suggestModelId(model.trim(), taken),
      ignoreFocusOut: true, validateInput: (value) => checkModelId(value.trim(), taken),
    });
    if (typed === undefined) return undefined;
    id = typed.trim();
  }

  const keyPrompt = existing?.hasKey
    ? 'Leave empty to keep the stored key.'
    : 'Leave empty if the server needs no key (Ollama, most local servers).';
  const key = await vscode.window.showInputBox({
    title: title(), prompt: `API key for ${id}: kept in Secret Storage (the OS keyring), never in settings. ${keyPrompt}`,
    password: true, ignoreFocusOut: true,
    validateInput: (value) => (/\s/.test(value.trim()) ? 'A key has no spaces' : undefined),
  });
  if (key === undefined) return undefined;

  let backups: string[] = [];
  if (others.length) {
    const current = prior?.backups ?? [];
    const ordered = [...current.map((b) => others.find((m) => m.id === b)).filter((m) => m !== undefined), ...others.filter((m) => !current.includes(m.id))];
    const picked = await vscode.window.showQuickPick(ordered.map((m) => ({
      label: m.id, description: `${m.provider} · ${m.model}`, picked: current.includes(m.id),
    })), { title: title(), placeHolder: `Backups that take over when ${id} fails, tried in this order (none is fine)`, canPickMany: true, ignoreFocusOut: true });
    if (!picked) return undefined;
    backups = picked.map((item) => item.label);
  }

  let scope: Scope = existing?.scope ?? 'user';
  if (askScope) {
    const hidden = workspaceHasModels();
    const items: (vscode.QuickPickItem & { scope: Scope })[] = [
      { label: SCOPE_NAMES.user, description: 'every window', detail: hidden ? 'This workspace sets its own baton.models, which hides the user list while it is open.' : undefined, scope: 'user' },
      { label: SCOPE_NAMES.workspace, description: '.vscode/settings.json of this workspace', scope: 'workspace' },
    ];
    const picked = await vscode.window.showQuickPick(items, { title: title(), placeHolder: `Where to save ${id}`, ignoreFocusOut: true });
    if (!picked) return undefined;
    scope = picked.scope;
  }

  return { id, provider: choice.provider, model: model.trim(), baseUrl: baseUrl.trim().replace(/\/+$/, ''), key: key.trim() || undefined, backups, scope };
}
