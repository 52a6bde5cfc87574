import { DEFAULT_BASE_URLS } from './settings/defaults';
import type { ModelConfig, ProviderName } from './settings/types';

const PROVIDER_ENV: Record<ProviderName, string[]> = {
  openai: ['OPENAI_API_KEY'],
  'openai-responses': ['OPENAI_API_KEY'],
  anthropic: ['ANTHROPIC_API_KEY'],
  gemini: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
  ollama: ['OLLAMA_API_KEY'],
};

/** `BATON_API_KEY_FAST` for id `fast`: upper-cased, every non-alphanumeric as `_`. */
export function modelKeyVariable(id: string): string {
  return `BATON_API_KEY_${id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * The environment variables that may hold a model's key, in order. The provider's usual variable
 * (`OPENAI_API_KEY`, ...) is only offered to the provider's own endpoint: an OpenAI key must never
 * travel to an OpenAI-compatible third party just because it is in the environment.
 */
export function keyVariables(model: ModelConfig): string[] {
  const names = [modelKeyVariable(model.id)];
  if (sameHost(model.baseUrl, DEFAULT_BASE_URLS[model.provider])) names.push(...PROVIDER_ENV[model.provider]);
  return names;
}

export function keyFromEnvironment(model: ModelConfig, env: Record<string, string | undefined>): string | undefined {
  for (const name of keyVariables(model)) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

function sameHost(a: string, b: string): boolean {
  try {
    return new URL(a).host === new URL(b).host;
  } catch {
    return false;
  }
}
