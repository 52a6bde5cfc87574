/**
 * Edits of the raw `baton.models` and `baton.fallbacks` values of one settings scope, as
 * "Baton: Manage Models" writes them. The values are the user's JSON, not validated settings: an
 * edit changes only the entry it is about and keeps every other entry and field as it was.
 */

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** What the management flow writes for one model. Fields not named here are kept from the old entry. */
export interface ModelEntryEdit {
  id: string;
  provider: string;
  model: string;
  /** Omitted from the entry when it is the provider's default. */
  baseUrl?: string;
}

/** A Baton id for a provider's model name ("qwen2.5-coder-7b" for "library/qwen2.5-coder:7b"), unique among `taken`. */
export function suggestModelId(modelName: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const last = modelName.split('/').filter(Boolean).at(-1) ?? '';
  const base = last.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').replace(/-+$/, '').slice(0, 40) || 'model';
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) if (!used.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** Why `id` cannot name a new model, or undefined when it can. */
export function checkModelId(id: string, taken: Iterable<string>): string | undefined {
  if (!id) return 'Enter an id, e.g. fast';
  if (!ID_PATTERN.test(id)) return 'Use letters, digits, ".", "_" and "-", starting with a letter or digit';
  if (new Set(taken).has(id)) return `"${id}" is taken by another model; choose another id`;
  return undefined;
}

/** Why `text` is not a usable base URL, or undefined when it is. */
export function checkBaseUrl(text: string): string | undefined {
  if (!/^https?:\/\//i.test(text)) return 'Enter an http:// or https:// URL, e.g. https://api.openai.com/v1';
  try {
    const url = new URL(text);
    if (url.username || url.password) return 'Leave credentials out of the URL: Baton asks for the key next and keeps it in Secret Storage';
    return undefined;
  } catch {
    return `"${text}" is not a URL`;
  }
}

/** The models list with `edit` applied: the entry with that id (or `previousId`) replaced in place, else appended. */
export function upsertModel(list: unknown, edit: ModelEntryEdit, defaultBaseUrl: string): unknown[] {
  const models = Array.isArray(list) ? [...list] : [];
  const index = models.findIndex((entry) => idOf(entry) === edit.id);
  const old = index >= 0 && isRecord(models[index]) ? models[index] as Record<string, unknown> : {};
  const entry: Record<string, unknown> = { ...old, id: edit.id, provider: edit.provider, model: edit.model };
  if (edit.baseUrl && edit.baseUrl.replace(/\/+$/, '') !== defaultBaseUrl) entry.baseUrl = edit.baseUrl;
  else delete entry.baseUrl;
  if (index >= 0) models[index] = entry;
  else models.push(entry);
  return models;
}

/** The models list without the entry `id`. */
export function removeModel(list: unknown, id: string): unknown[] {
  return Array.isArray(list) ? list.filter((entry) => idOf(entry) !== id) : [];
}

/** The fallbacks map with `id`'s backups set (removed when empty). Other ids keep theirs. */
export function setFallbacks(map: unknown, id: string, backups: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = isRecord(map) ? { ...map } : {};
  if (backups.length) out[id] = [...backups];
  else delete out[id];
  return out;
}

/** The fallbacks map without `id`: neither its own backups nor as anyone's backup. */
export function dropFromFallbacks(map: unknown, id: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isRecord(map)) return out;
  for (const [key, value] of Object.entries(map)) {
    if (key === id) continue;
    out[key] = Array.isArray(value) ? value.filter((backup) => backup !== id) : value;
  }
  return out;
}

/** Whether the raw list of a scope holds an entry with this id. */
export function hasModel(list: unknown, id: string): boolean {
  return Array.isArray(list) && list.some((entry) => idOf(entry) === id);
}

function idOf(entry: unknown): unknown {
  return isRecord(entry) ? entry.id : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
