import { validateSettings } from '../../src/core/settings/validate';
import type { BatonSettings, ProviderName } from '../../src/core/settings/types';

/** Base URL for a protocol on the fault server, under a per-model path prefix such as `/primary`. */
export function baseUrlFor(serverUrl: string, protocol: ProviderName, prefix: string): string {
  return protocol === 'gemini' ? `${serverUrl}${prefix}/v1beta` : protocol === 'ollama' ? `${serverUrl}${prefix}` : `${serverUrl}${prefix}/v1`;
}

/** The path a protocol posts to under a prefix (for routing scripts on the fault server). */
export function pathFor(protocol: ProviderName, prefix: string): string {
  return protocol === 'gemini' ? `${prefix}/v1beta/models/` : protocol === 'ollama' ? `${prefix}/api/chat` : `${prefix}/v1`;
}

/** Validated settings from a `baton.*` section, failing the test on any problem. */
export function settingsFrom(section: Record<string, unknown>): BatonSettings {
  const { settings, problems } = validateSettings(section);
  if (problems.length) throw new Error(`test settings are invalid: ${JSON.stringify(problems)}`);
  return settings;
}
