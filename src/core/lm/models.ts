import { resolveChain } from '../router/chain';
import type { BatonSettings, ModelConfig, ProviderName } from '../settings/types';

/** How Baton presents one configured model to an editor's model picker and to other extensions. */
export interface LmModelInfo {
  /** The Baton model id; the request starts its chain there. */
  id: string;
  /** The label (or id), made distinct from every other model's name. */
  name: string;
  /** The provider's model name, e.g. `gpt-4.1-mini`: callers tune prompts by family. */
  family: string;
  version: string;
  /** The fallback chain, e.g. "fast → claude → local". */
  detail: string;
  tooltip: string;
  maxInputTokens: number;
  maxOutputTokens: number;
  toolCalling: boolean;
}

/**
 * Limits assumed when a model entry sets no `contextWindow` or `maxTokens`: the common size of each
 * protocol's current models, on the small side where they differ. Anthropic's output figure is the
 * `max_tokens` Baton sends when the entry sets none (see providers/anthropic.ts). Ollama's depends
 * on how the server was started; set `contextWindow` to what it runs with.
 */
export const PROVIDER_LIMITS: Record<ProviderName, { contextWindow: number; maxOutputTokens: number }> = {
  openai: { contextWindow: 128_000, maxOutputTokens: 16_384 },
  'openai-responses': { contextWindow: 128_000, maxOutputTokens: 16_384 },
  anthropic: { contextWindow: 200_000, maxOutputTokens: 4_096 },
  gemini: { contextWindow: 1_048_576, maxOutputTokens: 8_192 },
  ollama: { contextWindow: 8_192, maxOutputTokens: 2_048 },
};

/** Protocols whose provider sends tools and reads tool calls back (every one Baton speaks). */
const TOOL_PROTOCOLS: ReadonlySet<ProviderName> = new Set<ProviderName>(['openai', 'openai-responses', 'anthropic', 'gemini', 'ollama']);

/** "fast → claude → local": the model and the backups that take over from it, by id. */
export function chainLabel(settings: BatonSettings, id: string): string {
  return resolveChain(settings, id).map((m) => m.id).join(' → ');
}

/** The token budget of a model entry: its own settings, else its protocol's usual limits. */
export function tokenLimits(model: ModelConfig): { maxInputTokens: number; maxOutputTokens: number } {
  const defaults = PROVIDER_LIMITS[model.provider];
  const contextWindow = model.contextWindow ?? defaults.contextWindow;
  // A declared small window must leave room for the prompt, whatever the protocol's usual output cap.
  const maxOutputTokens = model.maxTokens ?? Math.min(defaults.maxOutputTokens, Math.floor(contextWindow / 4));
  return { maxInputTokens: Math.max(1, contextWindow - maxOutputTokens), maxOutputTokens: Math.max(1, maxOutputTokens) };
}

/**
 * Every configured model, in settings order. Names are distinct: when two entries would show the
 * same name, each of them gets its id in parentheses, so a person (or a test) can pick either.
 * The token budget is the first model's; a backup with a smaller window is skipped with a reason
 * by the router rather than shrinking every request to the smallest model of the chain.
 */
export function describeModels(settings: BatonSettings): LmModelInfo[] {
  const base = settings.models.map((m) => m.label?.trim() || m.id);
  const count = new Map<string, number>();
  for (const name of base) count.set(name, (count.get(name) ?? 0) + 1);
  return settings.models.map((model, i) => {
    const chain = resolveChain(settings, model.id);
    const backups = chain.slice(1).map((m) => m.id);
    const host = hostOf(model.baseUrl);
    return {
      id: model.id,
      name: count.get(base[i])! > 1 ? `${base[i]} (${model.id})` : base[i],
      family: model.model,
      version: `${model.provider}/${model.model}`,
      detail: chain.map((m) => m.id).join(' → '),
      tooltip: `${model.id}: ${model.provider} · ${model.model} at ${host}. ` + (backups.length
        ? `When it fails, the same answer continues on ${backups.join(', then ')}.`
        : 'No fallbacks: add some with "Baton: Manage Models".'),
      ...tokenLimits(model),
      toolCalling: TOOL_PROTOCOLS.has(model.provider) && !toolsOff(model),
    };
  });
}

/** `tools: false` on a model entry (issue 14's setting): the model is skipped when tools are offered. */
function toolsOff(model: ModelConfig): boolean {
  return (model as { tools?: unknown }).tools === false;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
