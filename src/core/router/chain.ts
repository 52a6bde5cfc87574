import { BatonError } from '../errors';
import type { BatonSettings, ModelConfig } from '../settings/types';

/** The models a request may use, in order: the named (or default) model, then its fallbacks. */
export function resolveChain(settings: BatonSettings, requested?: string): ModelConfig[] {
  if (settings.models.length === 0) {
    throw new BatonError('bad-request', 'no models are configured; add one to baton.models, e.g. { "id": "fast", "provider": "openai", "model": "gpt-4.1-mini" }');
  }
  const id = requested ?? settings.defaultModel ?? settings.models[0].id;
  const byId = new Map(settings.models.map((m) => [m.id, m]));
  const primary = byId.get(id);
  if (!primary) {
    throw new BatonError('bad-request', `unknown model id "${id}"; configured ids are ${[...byId.keys()].join(', ')}`, { code: 'unknown-model' });
  }
  const chain = [primary];
  for (const next of settings.fallbacks[id] ?? []) {
    const model = byId.get(next);
    if (model && !chain.includes(model)) chain.push(model);
  }
  return chain;
}

/**
 * After a context-window failure on `failed`, whether `candidate` could hold more: its window is
 * declared and larger than the failed model's (or the failed model's is unknown).
 */
export function hasLargerContext(candidate: ModelConfig, failed: ModelConfig): boolean {
  if (candidate.contextWindow === undefined) return false;
  return failed.contextWindow === undefined || candidate.contextWindow > failed.contextWindow;
}
