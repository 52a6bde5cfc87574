import { DEFAULT_BASE_URLS } from './settings/defaults';
import type { ModelConfig, ProviderName } from './settings/types';

const PROVIDER_ENV: Record<ProviderName, string[]> = {
  openai: ['OPENAI_API_KEY'],
  'openai-responses': ['OPENAI_API_KEY'],
  anthropic: ['ANTHROPIC_API_KEY'],
  gemini: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
  ollama: ['OLLAMA_API_KEY'],
};

/**
 * Where a key may go: scheme, host and port (`https://api.openai.com`). A key is bound to one
 * origin; `http://api.openai.com` is another origin, and would carry the key in clear text.
 * Undefined for a string that is not a URL.
 */
export function originOf(url: string): string | undefined {
  try {
    const { origin } = new URL(url);
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/** The origin of a provider's own public endpoint (`https://api.anthropic.com`). */
export function providerOrigin(provider: ProviderName): string | undefined {
  return originOf(DEFAULT_BASE_URLS[provider]);
}

/** Whether the model talks to its provider's own public endpoint (same scheme, host and port). */
export function atProviderEndpoint(model: ModelConfig): boolean {
  const origin = originOf(model.baseUrl);
  return origin !== undefined && origin === providerOrigin(model.provider);
}

/** `BATON_API_KEY_FAST` for id `fast`: upper-cased, every non-alphanumeric as `_`. */
export function modelKeyVariable(id: string): string {
  return `BATON_API_KEY_${id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * The other configured ids whose per-model variable is the same as `model`'s: `my-model`, `my.model`
 * and `My_Model` all read `BATON_API_KEY_MY_MODEL`. Such a variable is used for none of them, as
 * one key cannot be meant for two models.
 */
export function sharingKeyVariable(model: ModelConfig, models: readonly ModelConfig[]): string[] {
  const name = modelKeyVariable(model.id);
  return models.filter((other) => other.id !== model.id && modelKeyVariable(other.id) === name).map((other) => other.id);
}

/**
 * The environment variables that may hold a model's key, in order: its own `BATON_API_KEY_<ID>`
 * (unless another of `models` shares that name), then the provider's usual variable
 * (`OPENAI_API_KEY`, ...), which is only offered to the provider's own endpoint: an OpenAI key must
 * never travel to an OpenAI-compatible third party, or over plain http, because it is in the environment.
 */
export function keyVariables(model: ModelConfig, models: readonly ModelConfig[] = [model]): string[] {
  const names = sharingKeyVariable(model, models).length ? [] : [modelKeyVariable(model.id)];
  if (atProviderEndpoint(model)) names.push(...PROVIDER_ENV[model.provider]);
  return names;
}

/** A key found in the environment, with the variable it came from. */
export interface EnvironmentKey {
  variable: string;
  key: string;
  /** True for the provider's own variable (`OPENAI_API_KEY`), which only ever goes to the provider's endpoint. */
  provider: boolean;
}

export function environmentKey(model: ModelConfig, env: Record<string, string | undefined>, models: readonly ModelConfig[] = [model]): EnvironmentKey | undefined {
  for (const variable of keyVariables(model, models)) {
    const key = env[variable]?.trim();
    if (key) return { variable, key, provider: variable !== modelKeyVariable(model.id) };
  }
  return undefined;
}

/** The model's key from the environment; `models` (all configured models) detects shared variable names. */
export function keyFromEnvironment(model: ModelConfig, env: Record<string, string | undefined>, models: readonly ModelConfig[] = [model]): string | undefined {
  return environmentKey(model, env, models)?.key;
}

/**
 * Where the model's key may come from in the environment, for messages: "BATON_API_KEY_FAST or
 * OPENAI_API_KEY". When the model's own variable is shared with another id, says so and how to fix it.
 */
export function describeKeyVariables(model: ModelConfig, models: readonly ModelConfig[] = [model]): string {
  const names = keyVariables(model, models);
  const shared = sharingKeyVariable(model, models);
  const clash = shared.length
    ? `${modelKeyVariable(model.id)} is not used, as it would serve ${[model.id, ...shared].map((id) => `"${id}"`).join(' and ')}; rename one of them`
    : '';
  if (!names.length) return `no variable (${clash})`;
  return names.join(' or ') + (clash ? ` (${clash})` : '');
}
