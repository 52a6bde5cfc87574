import { BatonError, ErrorKind } from './errors';
import { providerFor } from './providers';
import type { KeyResolver } from './router/router';
import type { BatonSettings, ModelConfig } from './settings/types';

/** What probing one model found. */
export interface ModelCheck {
  model: string;
  provider: string;
  /** An HTTP answer came back (any status). */
  reachable: boolean;
  /** The key was accepted; undefined when the server was never reached. */
  authOk?: boolean;
  hasKey: boolean;
  /** Milliseconds from sending the probe to the first answer token. */
  firstTokenMs?: number;
  ok: boolean;
  errorKind?: ErrorKind;
  error?: string;
}

const PROBE = { messages: [{ role: 'user' as const, content: 'Reply with the single word: ok' }], maxTokens: 16 };

/** Probes every configured model at once with a tiny request. Never throws. */
export function checkModels(settings: BatonSettings, resolveKey: KeyResolver, signal?: AbortSignal): Promise<ModelCheck[]> {
  return Promise.all(settings.models.map((model) => checkModel(model, settings.timeouts.firstTokenMs, resolveKey, signal)));
}

async function checkModel(model: ModelConfig, timeoutMs: number, resolveKey: KeyResolver, outer?: AbortSignal): Promise<ModelCheck> {
  const started = performance.now();
  const controller = new AbortController();
  const timeout = new BatonError('timeout', `no first token within ${(timeoutMs / 1000).toFixed(1)} s`, { model: model.id });
  const timer = setTimeout(() => controller.abort(timeout), timeoutMs);
  const onAbort = () => controller.abort(new BatonError('aborted', 'the check was cancelled'));
  outer?.addEventListener('abort', onAbort, { once: true });
  let hasKey = false;
  let firstTokenMs: number | undefined;
  try {
    const apiKey = await resolveKey(model);
    hasKey = Boolean(apiKey);
    for await (const part of providerFor(model.provider).stream({ model, apiKey, request: PROBE }, controller.signal)) {
      if ((part.type === 'text' || part.type === 'reasoning') && firstTokenMs === undefined) {
        firstTokenMs = Math.round(performance.now() - started);
      }
    }
    return { model: model.id, provider: model.provider, reachable: true, authOk: true, hasKey, firstTokenMs, ok: true };
  } catch (thrown) {
    const error = BatonError.is(thrown) ? thrown : new BatonError('protocol', String(thrown));
    // A timeout or a dropped connection says nothing certain about reachability or the key.
    const reachable = error.status !== undefined || !['network', 'aborted', 'timeout'].includes(error.kind);
    return {
      model: model.id, provider: model.provider, reachable, hasKey, firstTokenMs, ok: false,
      authOk: error.kind === 'auth' ? false : reachable ? true : undefined,
      errorKind: error.kind, error: error.message,
    };
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onAbort);
    controller.abort();
  }
}
