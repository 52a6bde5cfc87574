import { DEFAULT_BASE_URLS, DEFAULT_SETTINGS } from './defaults';
import { BatonSettings, ContinuationMode, ModelConfig, PROVIDER_NAMES, ProviderName } from './types';

/** One thing wrong with the settings: where (`baton.models[1].provider`) and what is expected. */
export interface SettingsProblem {
  path: string;
  message: string;
}

export interface SettingsResult {
  settings: BatonSettings;
  problems: SettingsProblem[];
}

/** Every `baton.*` key, without the prefix. package.json declares the same set (a test checks). */
export const SETTING_KEYS = ['models', 'fallbacks', 'defaultModel', 'timeouts', 'retry', 'cooldown', 'continuation', 'fallbackOnRefusal'];
const MODEL_KEYS = ['id', 'provider', 'model', 'baseUrl', 'contextWindow', 'maxTokens', 'temperature', 'prefill', 'headers', 'extraBody', 'label', 'timeouts', 'tools'];
const TIMEOUT_BOUNDS = { headersMs: [1, Infinity], firstTokenMs: [1, Infinity], idleMs: [1, Infinity], totalMs: [1, Infinity] } as const;
const MODEL_TIMEOUT_BOUNDS = { headersMs: TIMEOUT_BOUNDS.headersMs, firstTokenMs: TIMEOUT_BOUNDS.firstTokenMs, idleMs: TIMEOUT_BOUNDS.idleMs };
const SECRET_FIELDS = /^(api[-_]?key|key|token|secret|password)$/i;
const SECRET_HEADERS = /^(authorization|x-api-key|api-key|x-goog-api-key)$/i;
const KEY_ADVICE = 'API keys belong in SecretStorage (run "Baton: Set API Key") or in an environment variable such as BATON_API_KEY_<ID>, never in settings';

/**
 * Validates the `baton.*` settings section (keys without the `baton.` prefix) and fills in defaults.
 * Every problem names its field and what is expected; the returned settings are only meant to be
 * used when there are no problems.
 */
export function validateSettings(section: unknown): SettingsResult {
  const problems: SettingsProblem[] = [];
  const report = (path: string, message: string) => problems.push({ path, message });
  const root = isRecord(section) ? section : {};
  if (section !== undefined && !isRecord(section)) report('baton', 'expected an object of baton.* settings');

  for (const key of Object.keys(root)) {
    if (!SETTING_KEYS.includes(key)) report(`baton.${key}`, `unknown setting${suggest(key, SETTING_KEYS, 'baton.')}`);
  }

  const models = readModels(root.models, report);
  const ids = new Set(models.map((m) => m.id));
  const fallbacks = readFallbacks(root.fallbacks, ids, report);

  let defaultModel: string | undefined;
  if (root.defaultModel !== undefined && root.defaultModel !== '') {
    if (typeof root.defaultModel !== 'string') report('baton.defaultModel', 'expected a model id (a string)');
    else if (!ids.has(root.defaultModel)) report('baton.defaultModel', `unknown model id "${root.defaultModel}"; expected one of the ids in baton.models${known(ids)}`);
    else defaultModel = root.defaultModel;
  }

  const d = DEFAULT_SETTINGS;
  const timeouts = readNumbers(root.timeouts, 'baton.timeouts', d.timeouts, TIMEOUT_BOUNDS, report);
  const retry = readNumbers(root.retry, 'baton.retry', d.retry, { maxAttempts: [1, 10], baseDelayMs: [0, Infinity], maxDelayMs: [0, Infinity], maxRetryAfterMs: [0, Infinity] }, report);
  const cooldown = readNumbers(root.cooldown, 'baton.cooldown', d.cooldown, { failureThreshold: [1, 100], cooldownMs: [0, Infinity] }, report);
  const continuation = readContinuation(root.continuation, report);

  let fallbackOnRefusal = d.fallbackOnRefusal;
  if (root.fallbackOnRefusal !== undefined) {
    if (typeof root.fallbackOnRefusal !== 'boolean') report('baton.fallbackOnRefusal', 'expected true or false');
    else fallbackOnRefusal = root.fallbackOnRefusal;
  }

  return { settings: { models, fallbacks, defaultModel, timeouts, retry, cooldown, continuation, fallbackOnRefusal }, problems };
}

type Report = (path: string, message: string) => void;

function readModels(value: unknown, report: Report): ModelConfig[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    report('baton.models', 'expected an array of model entries such as { "id": "fast", "provider": "openai", "model": "gpt-4.1-mini" }');
    return [];
  }
  const models: ModelConfig[] = [];
  const seen = new Set<string>();
  value.forEach((entry, index) => {
    const at = `baton.models[${index}]`;
    if (!isRecord(entry)) return report(at, 'expected an object with "id", "provider" and "model"');
    const problemsBefore: SettingsProblem[] = [];
    const local: Report = (path, message) => { problemsBefore.push({ path, message }); report(path, message); };
    for (const key of Object.keys(entry)) {
      if (SECRET_FIELDS.test(key)) local(`${at}.${key}`, `refused: ${KEY_ADVICE}`);
      else if (!MODEL_KEYS.includes(key)) local(`${at}.${key}`, `unknown field${suggest(key, MODEL_KEYS)}`);
    }
    const id = entry.id;
    if (typeof id !== 'string' || !id.trim()) local(`${at}.id`, 'expected a non-empty string naming this entry, e.g. "fast"');
    else if (seen.has(id)) local(`${at}.id`, `duplicate id "${id}"; every model needs its own id`);
    const provider = entry.provider;
    if (typeof provider !== 'string' || !PROVIDER_NAMES.includes(provider as ProviderName)) {
      local(`${at}.provider`, `${provider === undefined ? 'missing' : `unknown provider ${JSON.stringify(provider)}`}; expected one of ${PROVIDER_NAMES.join(', ')}`);
    }
    if (typeof entry.model !== 'string' || !entry.model.trim()) local(`${at}.model`, `${entry.model === undefined ? 'missing' : 'expected a string'}: the provider's model name, e.g. "gpt-4.1-mini"`);
    let baseUrl: string | undefined;
    if (entry.baseUrl !== undefined) {
      baseUrl = typeof entry.baseUrl === 'string' ? entry.baseUrl.trim() : undefined;
      if (!baseUrl || !isHttpUrl(baseUrl)) {
        local(`${at}.baseUrl`, `${JSON.stringify(entry.baseUrl)} is not a URL; expected http:// or https://, e.g. "https://api.openai.com/v1"`);
      }
    }
    positiveInt(entry.contextWindow, `${at}.contextWindow`, local);
    positiveInt(entry.maxTokens, `${at}.maxTokens`, local);
    if (entry.temperature !== undefined && (typeof entry.temperature !== 'number' || entry.temperature < 0 || entry.temperature > 2)) {
      local(`${at}.temperature`, 'expected a number from 0 to 2');
    }
    if (entry.label !== undefined && typeof entry.label !== 'string') local(`${at}.label`, 'expected a display name (a string)');
    if (entry.prefill !== undefined && typeof entry.prefill !== 'boolean') local(`${at}.prefill`, 'expected true or false');
    if (entry.tools !== undefined && typeof entry.tools !== 'boolean') local(`${at}.tools`, 'expected true or false: whether this model can call tools');
    if (entry.headers !== undefined) {
      if (!isRecord(entry.headers) || Object.values(entry.headers).some((v) => typeof v !== 'string')) {
        local(`${at}.headers`, 'expected an object of header names to string values');
      } else {
        for (const name of Object.keys(entry.headers)) {
          if (SECRET_HEADERS.test(name)) local(`${at}.headers.${name}`, `refused: ${KEY_ADVICE}`);
        }
      }
    }
    if (entry.extraBody !== undefined && !isRecord(entry.extraBody)) local(`${at}.extraBody`, 'expected an object of extra request fields');
    const timeouts = entry.timeouts === undefined ? undefined : readNumbers(entry.timeouts, `${at}.timeouts`, {}, MODEL_TIMEOUT_BOUNDS, local);
    if (problemsBefore.length > 0) return;
    seen.add(id as string);
    const providerName = provider as ProviderName;
    models.push(stripUndefined({
      id: id as string,
      provider: providerName,
      model: (entry.model as string).trim(),
      label: typeof entry.label === 'string' && entry.label.trim() ? entry.label.trim() : undefined,
      baseUrl: baseUrl ?? DEFAULT_BASE_URLS[providerName],
      contextWindow: entry.contextWindow as number | undefined,
      maxTokens: entry.maxTokens as number | undefined,
      temperature: entry.temperature as number | undefined,
      prefill: entry.prefill as boolean | undefined,
      tools: entry.tools as boolean | undefined,
      headers: entry.headers as Record<string, string> | undefined,
      extraBody: entry.extraBody as Record<string, unknown> | undefined,
      timeouts,
    }));
  });
  return models;
}

function readFallbacks(value: unknown, ids: Set<string>, report: Report): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (value === undefined) return out;
  if (!isRecord(value)) {
    report('baton.fallbacks', 'expected an object mapping a model id to its backups, e.g. { "fast": ["claude", "local"] }');
    return out;
  }
  for (const [from, list] of Object.entries(value)) {
    const at = `baton.fallbacks.${from}`;
    if (!ids.has(from)) report(at, `unknown model id "${from}"; fallbacks are keyed by ids from baton.models${known(ids)}`);
    if (!Array.isArray(list) || list.some((x) => typeof x !== 'string')) {
      report(at, 'expected an array of model ids');
      continue;
    }
    list.forEach((to: string, index) => {
      if (!ids.has(to)) report(`${at}[${index}]`, `unknown model id "${to}"; expected an id from baton.models${known(ids)}`);
      else if (to === from) report(`${at}[${index}]`, `"${from}" cannot be its own fallback`);
    });
    out[from] = [...new Set(list as string[])];
  }
  return out;
}

function readNumbers<T extends object>(value: unknown, at: string, defaults: T, bounds: { readonly [K in keyof T]-?: readonly [number, number] }, report: Report): T {
  const out = { ...defaults } as Record<string, number>;
  if (value === undefined) return out as T;
  if (!isRecord(value)) {
    report(at, `expected an object with ${Object.keys(bounds).join(', ')}`);
    return out as T;
  }
  for (const [key, raw] of Object.entries(value)) {
    const range = (bounds as Record<string, readonly [number, number]>)[key];
    if (!range) {
      report(`${at}.${key}`, `unknown field${suggest(key, Object.keys(bounds))}`);
      continue;
    }
    const [min, max] = range;
    if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < min || raw > max) {
      report(`${at}.${key}`, `expected a number${max === Infinity ? ` of at least ${min}` : ` from ${min} to ${max}`}`);
      continue;
    }
    out[key] = raw;
  }
  return out as T;
}

function readContinuation(value: unknown, report: Report): BatonSettings['continuation'] {
  const out = { ...DEFAULT_SETTINGS.continuation };
  if (value === undefined) return out;
  if (!isRecord(value)) {
    report('baton.continuation', 'expected an object with mode, prompt and maxHandovers');
    return out;
  }
  const modes: ContinuationMode[] = ['continue', 'restart', 'off'];
  for (const [key, raw] of Object.entries(value)) {
    const at = `baton.continuation.${key}`;
    if (key === 'mode') {
      if (modes.includes(raw as ContinuationMode)) out.mode = raw as ContinuationMode;
      else report(at, `expected one of ${modes.map((m) => `"${m}"`).join(', ')}`);
    } else if (key === 'prompt') {
      if (typeof raw === 'string' && raw.trim()) out.prompt = raw;
      else report(at, 'expected a non-empty instruction');
    } else if (key === 'maxHandovers') {
      if (Number.isInteger(raw) && (raw as number) >= 0 && (raw as number) <= 10) out.maxHandovers = raw as number;
      else report(at, 'expected a whole number from 0 to 10');
    } else {
      report(at, `unknown field${suggest(key, ['mode', 'prompt', 'maxHandovers'])}`);
    }
  }
  return out;
}

function positiveInt(value: unknown, at: string, report: Report): void {
  if (value !== undefined && (!Number.isInteger(value) || (value as number) <= 0)) report(at, 'expected a positive whole number');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function known(ids: Set<string>): string {
  return ids.size ? ` (${[...ids].join(', ')})` : ' (none are configured)';
}

function stripUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

/** `; did you mean "baseUrl"?` when a known name is one or two edits away. */
function suggest(name: string, candidates: string[], prefix = ''): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best ? `; did you mean "${prefix}${best}"?` : `; expected one of ${candidates.map((c) => prefix + c).join(', ')}`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}
