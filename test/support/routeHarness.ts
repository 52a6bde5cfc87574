import { BatonError } from '../../src/core/errors';
import type { RouterEvent } from '../../src/core/router/events';
import { RouteRequest, Router } from '../../src/core/router/router';
import { RouterError } from '../../src/core/router/routerError';
import type { BatonSettings, ProviderName } from '../../src/core/settings/types';
import { SkippingClock } from './fakeClock';
import { baseUrlFor, settingsFrom } from './models';

export interface Routed {
  text: string;
  events: RouterEvent[];
  error?: BatonError;
  elapsedMs: number;
}

/** Runs one request through a router and keeps everything it reported. */
export async function route(router: Router, request: RouteRequest = { messages: [{ role: 'user', content: 'Tell me a story' }] }, signal?: AbortSignal): Promise<Routed> {
  const started = performance.now();
  const out: Routed = { text: '', events: [], elapsedMs: 0 };
  try {
    for await (const event of router.stream(request, signal)) {
      out.events.push(event);
      if (event.type === 'text') out.text += event.text;
      if (event.type === 'fallback' && event.form === 'restart') out.text = '';
    }
  } catch (error) {
    if (!BatonError.is(error)) throw error;
    out.error = error;
  }
  out.elapsedMs = performance.now() - started;
  return out;
}

export interface ChainModel {
  id: string;
  protocol: ProviderName;
  contextWindow?: number;
  prefill?: boolean;
  tools?: boolean;
  /** The model entry's own `timeouts`, overriding `baton.timeouts`. */
  timeouts?: Record<string, number>;
}

/** Settings for a chain of models served by the fault server under `/{id}`, with test-sized timeouts. */
export function chainSettings(serverUrl: string, models: ChainModel[], extra: Record<string, unknown> = {}): BatonSettings {
  return settingsFrom({
    models: models.map((m) => ({
      id: m.id, provider: m.protocol, model: `${m.protocol}-model`, baseUrl: baseUrlFor(serverUrl, m.protocol, `/${m.id}`),
      ...(m.contextWindow ? { contextWindow: m.contextWindow } : {}),
      ...(m.prefill !== undefined ? { prefill: m.prefill } : {}),
      ...(m.tools !== undefined ? { tools: m.tools } : {}),
      ...(m.timeouts ? { timeouts: m.timeouts } : {}),
    })),
    fallbacks: { [models[0].id]: models.slice(1).map((m) => m.id) },
    defaultModel: models[0].id,
    timeouts: { firstTokenMs: 400, idleMs: 250, totalMs: 20_000 },
    retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 30_000 },
    ...extra,
  });
}

export function makeRouter(settings: BatonSettings, clock = new SkippingClock()): { router: Router; clock: SkippingClock } {
  return { router: new Router({ settings: () => settings, resolveKey: () => 'test-key-abcdef', clock, random: () => 0.5 }), clock };
}

export const ofType = <T extends RouterEvent['type']>(events: RouterEvent[], type: T) =>
  events.filter((e): e is Extract<RouterEvent, { type: T }> => e.type === type);

export function isRouterError(error: unknown): error is RouterError {
  return error instanceof RouterError;
}
