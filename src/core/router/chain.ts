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
 * After context-window failures, whether `candidate` could hold the conversation. A window that is
 * not configured is unknown, not smaller, so that candidate is tried. Only a candidate known to be
 * no larger than the largest window that already failed is skipped.
 *
 * @param largestFailed the largest configured `contextWindow` among the models that failed, if any.
 */
export function mayHoldMore(candidate: ModelConfig, largestFailed: number | undefined): boolean {
  return candidate.contextWindow === undefined || largestFailed === undefined || candidate.contextWindow > largestFailed;
}
