import { BatonError, ErrorKind } from '../errors';
import { redact } from '../redact';

/** Who a failure belongs to, so its message can name the provider and never echo the key. */
export interface ErrorContext {
  provider: string;
  model?: string;
  url: string;
  apiKey?: string;
}

const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '\\d{2}:\\d{2}:\\d{2}';
/** RFC 9110's HTTP-date: IMF-fixdate, and the obsolete RFC 850 and asctime forms recipients must still accept. */
const HTTP_DATE = new RegExp(
  `^(?:${DAY}, \\d{2} ${MONTH} \\d{4} ${TIME} GMT` +
  `|(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \\d{2}-${MONTH}-\\d{2} ${TIME} GMT` +
  `|${DAY} ${MONTH} [ \\d]\\d ${TIME} \\d{4})$`,
);

/**
 * Milliseconds to wait from `retry-after-ms` (OpenAI's and Azure's), else `retry-after` as
 * delta-seconds or an HTTP-date (a date already past is 0). Anything else is no Retry-After at all:
 * `Date.parse` would read "5, 5" (a header sent twice, merged by fetch) or "abc 2" as a day in 2001,
 * and the retry would go out at once.
 */
export function parseRetryAfter(headers: Headers, now = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && /^\d+(?:\.\d+)?$/.test(ms)) return Math.round(Number(ms));
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  if (!HTTP_DATE.test(value)) return undefined;
  // asctime has no zone; like the other two forms it is GMT.
  const date = Date.parse(/GMT$/.test(value) ? value : `${value} GMT`);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const CODE_KINDS: Record<string, ErrorKind> = {
  invalid_api_key: 'auth', authentication_error: 'auth', permission_error: 'auth', unauthenticated: 'auth',
  permission_denied: 'auth', api_key_invalid: 'auth', invalid_authentication: 'auth',
  rate_limit_exceeded: 'rate-limit', rate_limit_error: 'rate-limit', resource_exhausted: 'rate-limit',
  insufficient_quota: 'rate-limit', rate_limit: 'rate-limit', too_many_requests: 'rate-limit',
  overloaded_error: 'overloaded', unavailable: 'overloaded', engine_overloaded: 'overloaded', overloaded: 'overloaded',
  server_error: 'server', api_error: 'server', internal: 'server', internal_error: 'server', internal_server_error: 'server',
  context_length_exceeded: 'context-window', request_too_large: 'context-window', string_above_max_length: 'context-window',
  content_policy_violation: 'content-policy', content_filter: 'content-policy', safety: 'content-policy',
  prohibited_content: 'content-policy', refusal: 'content-policy',
  deadline_exceeded: 'timeout', timeout: 'timeout',
  invalid_request_error: 'bad-request', invalid_argument: 'bad-request', not_found_error: 'bad-request',
  model_not_found: 'bad-request', invalid_prompt: 'bad-request', not_found: 'bad-request', failed_precondition: 'bad-request',
};

/** Codes whose kind would normally be retried, but where waiting cannot help. */
const PERMANENT_CODES = new Set(['insufficient_quota']);

const CONTEXT_WINDOW_TEXT =
  /prompt is too long|context[ _-]?(length|window)|maximum context|exceeds? (the )?context limit|too many tokens|exceeds the (maximum|max) number of tokens|input (is )?too long|reduce the length of the messages|requested \d+ tokens/i;
const CONTENT_POLICY_TEXT = /content (management )?policy|safety system|content filter|flagged as|responsible ai/i;
const AUTH_TEXT = /api key not valid|invalid api key|incorrect api key|invalid x-api-key|api key expired/i;

function kindFromStatus(status: number): ErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 408) return 'timeout';
  if (status === 413) return 'context-window';
  if (status === 429) return 'rate-limit';
  if (status === 503 || status === 529) return 'overloaded';
  if (status >= 500) return 'server';
  return 'bad-request';
}

/** The parts of a provider's JSON error that decide its kind, whatever the provider's shape. */
interface ErrorFacts {
  message?: string;
  codes: string[];
  /** A numeric `code` that is an HTTP status (Gemini's, vLLM's), for errors that arrive inside a stream. */
  status?: number;
  /** The request field the error is about (OpenAI's `param`). */
  param?: string;
}

/**
 * Reads OpenAI (`{error:{message,type,code}}`), Anthropic (`{type:"error",error:{type,message}}`),
 * Gemini (`{error:{code,message,status,details}}`), Responses `error` events (`{code,message}`),
 * vLLM's flat `{object:"error",message,type,code}` and Ollama (`{error:"..."}`) error payloads.
 */
function errorFacts(payload: unknown): ErrorFacts {
  const facts: ErrorFacts = { codes: [] };
  if (!payload || typeof payload !== 'object') return facts;
  const root = payload as Record<string, unknown>;
  const inner = typeof root.error === 'object' && root.error !== null ? (root.error as Record<string, unknown>) : root;
  if (typeof root.error === 'string') facts.message = root.error;
  if (typeof inner.message === 'string') facts.message = inner.message;
  for (const field of ['code', 'type', 'status']) {
    const value = inner[field];
    if (typeof value === 'string' && value !== 'error') facts.codes.push(value.toLowerCase());
  }
  if (typeof inner.code === 'number' && inner.code >= 400 && inner.code < 600) facts.status = inner.code;
  if (typeof inner.param === 'string') facts.param = inner.param;
  if (Array.isArray(inner.details)) {
    for (const detail of inner.details) {
      const reason = (detail as Record<string, unknown> | null)?.reason;
      if (typeof reason === 'string') facts.codes.push(reason.toLowerCase());
    }
  }
  return facts;
}

/** Gemini puts its retry hint in the body: details[].retryDelay such as "37s". */
function retryDelayFromBody(payload: unknown): number | undefined {
  const details = (payload as { error?: { details?: unknown } } | null)?.error?.details;
  if (!Array.isArray(details)) return undefined;
  for (const detail of details) {
    const delay = (detail as { retryDelay?: unknown } | null)?.retryDelay;
    const match = typeof delay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(delay) : null;
    if (match) return Math.round(Number(match[1]) * 1000);
  }
  return undefined;
}

function classify(facts: ErrorFacts, status: number | undefined, fallback: ErrorKind): ErrorKind {
  const text = facts.message ?? '';
  if (CONTEXT_WINDOW_TEXT.test(text)) return 'context-window';
  if (AUTH_TEXT.test(text)) return 'auth';
  const byStatus = status === undefined ? undefined : kindFromStatus(status);
  for (const code of facts.codes) {
    const kind = CODE_KINDS[code];
    // A generic "server_error" on a 503 still means overloaded: the status is more specific.
    if (kind && kind !== 'bad-request') return kind === 'server' && byStatus === 'overloaded' ? byStatus : kind;
  }
  if (CONTENT_POLICY_TEXT.test(text)) return 'content-policy';
  if (byStatus !== undefined) return byStatus;
  return facts.codes.some((code) => CODE_KINDS[code] === 'bad-request') ? 'bad-request' : fallback;
}

function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function htmlTitle(text: string): string | undefined {
  const match = /<title[^>]*>([^<]{1,200})<\/title>/i.exec(text) ?? /<h1[^>]*>([^<]{1,200})<\/h1>/i.exec(text);
  return match?.[1].trim();
}

function looksLikeHtml(text: string): boolean {
  return /^\s*(<!doctype html|<html|<head|<body|<center|<h1)/i.test(text);
}

function host(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function clip(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** Turns a non-2xx response into a typed error whose message names the provider and the problem. */
export function errorFromResponse(status: number, headers: Headers, body: string, ctx: ErrorContext): BatonError {
  const init = { status, retryAfterMs: parseRetryAfter(headers), model: ctx.model, provider: ctx.provider };
  const where = `${ctx.provider} HTTP ${status}`;
  if (looksLikeHtml(body)) {
    const title = htmlTitle(body);
    return new BatonError(
      kindFromStatus(status),
      redact(`${where}: ${host(ctx.url)} returned an HTML page${title ? ` ("${title}")` : ''} instead of an API response. ` +
        'A proxy or gateway in front of the provider failed, or baseUrl points at a web page rather than the API.', [ctx.apiKey]),
      init,
    );
  }
  const payload = tryParseJson(body);
  const facts = errorFacts(payload);
  const kind = classify(facts, status, kindFromStatus(status));
  const detail = facts.message ?? (body.trim() ? clip(body) : 'no error body');
  return new BatonError(kind, redact(`${where}: ${detail}`, [ctx.apiKey]), {
    ...init,
    retryAfterMs: init.retryAfterMs ?? retryDelayFromBody(payload),
    code: facts.codes[0],
    param: facts.param,
    retryable: retryability(kind, facts),
  });
}

/**
 * Overrides a kind's usual retryability: a permanent code (an empty quota) is never retried, and a
 * timeout the provider itself reports (HTTP 408 or 504, Gemini's DEADLINE_EXCEEDED) is a server that
 * ran out of time on this one request, so trying again can help, unlike Baton's own timeouts.
 */
function retryability(kind: ErrorKind, facts: ErrorFacts): boolean | undefined {
  if (facts.codes.some((code) => PERMANENT_CODES.has(code))) return false;
  return kind === 'timeout' ? true : undefined;
}

/**
 * Turns an error that arrived inside a 200 stream (OpenAI `{error}`, Anthropic `event: error`,
 * Responses `error`/`response.failed`, Gemini `{error}`, Ollama `{"error": "..."}`) into a typed error.
 * Without a recognisable code it counts as a server failure: the provider broke mid-answer.
 */
export function errorFromPayload(payload: unknown, ctx: ErrorContext): BatonError {
  const facts = errorFacts(payload);
  const { status } = facts;
  const kind = classify(facts, status, 'server');
  return new BatonError(kind, redact(`${ctx.provider} stream error: ${facts.message ?? clip(JSON.stringify(payload))}`, [ctx.apiKey]), {
    status,
    model: ctx.model,
    provider: ctx.provider,
    code: facts.codes[0],
    param: facts.param,
    retryAfterMs: retryDelayFromBody(payload),
    retryable: retryability(kind, facts),
  });
}

/** A fetch or socket failure: refused, reset, DNS, TLS. Names the errno where Node gives one. */
export function networkError(error: unknown, ctx: ErrorContext): BatonError {
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  const code = cause?.code ?? (error as { code?: string } | null)?.code;
  const reason = describeNetworkCode(code) ?? cause?.message ?? (error as Error | null)?.message ?? String(error);
  return new BatonError('network', redact(`${ctx.provider}: ${reason} (${host(ctx.url)})`, [ctx.apiKey]), {
    model: ctx.model, provider: ctx.provider, code, cause: error,
  });
}

function describeNetworkCode(code: string | undefined): string | undefined {
  switch (code) {
    case 'ECONNRESET': case 'UND_ERR_SOCKET': return 'connection reset';
    case 'ECONNREFUSED': return 'connection refused';
    case 'ENOTFOUND': case 'EAI_AGAIN': return 'host not found';
    case 'ETIMEDOUT': case 'UND_ERR_CONNECT_TIMEOUT': return 'connection timed out';
    case 'EPIPE': return 'connection closed while sending';
    case 'UND_ERR_CLOSED': return 'connection closed';
    default: return undefined;
  }
}
