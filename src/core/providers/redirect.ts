import { BatonError } from '../errors';
import { originOf } from '../keys';

/** Same-origin hops followed before giving up; a loop ends here. */
const MAX_REDIRECTS = 5;

/** Who a request is for, to name in a refusal. */
export interface RedirectContext {
  provider: string;
  model?: string;
}

/**
 * `fetch` that never lets a request, its key headers or its body reach another origin through a
 * redirect. By default fetch follows redirects, and undici strips only `Authorization` on a
 * cross-origin hop: `x-api-key` (Anthropic), `api-key` (Azure), `x-goog-api-key` (Gemini) and, on
 * a 307 or 308, the whole request body would reach the new origin. Here redirects are read by
 * hand: a 307 or 308 to the same origin (scheme, host and port) is followed with the same method,
 * headers and body; anything else is refused with an error that names both addresses.
 */
export async function fetchWithoutLeaks(url: string, init: RequestInit, context: RedirectContext): Promise<Response> {
  let current = url;
  for (let hops = 0; ; hops++) {
    const response = await fetch(current, { ...init, redirect: 'manual' });
    if (response.status < 300 || response.status > 399 || response.status === 304) return response;
    await response.body?.cancel().catch(() => undefined);
    const status = response.status;
    const location = response.headers.get('location');
    const fail = (message: string) => new BatonError('bad-request', message, { status, provider: context.provider, model: context.model, code: 'redirect' });
    if (!location) throw fail(`${context.provider} answered HTTP ${status}, a redirect without a Location; check the model's baseUrl`);
    let next: string;
    try {
      next = new URL(location, current).toString();
    } catch {
      throw fail(`${context.provider} redirected to ${JSON.stringify(location)}, which is not a URL; check the model's baseUrl`);
    }
    const from = originOf(current);
    const to = originOf(next);
    if (from !== to) {
      throw fail(`${context.provider} redirected the request from ${from} to ${to} (HTTP ${status}). Baton never sends an API key or a request ` +
        `to another origin through a redirect. If ${to} is the right server, set the model's baseUrl to it`);
    }
    if (status !== 307 && status !== 308) {
      throw fail(`${context.provider} answered HTTP ${status}, a redirect to ${next} that would turn the request into a GET; set the model's baseUrl to the new address`);
    }
    if (hops >= MAX_REDIRECTS) throw fail(`${context.provider} redirected more than ${MAX_REDIRECTS} times (last to ${next}); check the model's baseUrl`);
    current = next;
  }
}
