/**
 * Every way a request can fail. Retry and fallback decisions are made from the kind alone.
 *
 * - `auth`: the key is missing, wrong or lacks permission (HTTP 401/403, Gemini's API_KEY_INVALID).
 * - `rate-limit`: HTTP 429 or an in-band rate-limit event; may carry `retryAfterMs`.
 * - `overloaded`: the provider is busy (HTTP 503/529, Anthropic `overloaded_error`).
 * - `server`: the provider or a proxy in front of it broke (HTTP 5xx).
 * - `bad-request`: the request itself was refused (HTTP 400/404/422), e.g. an unknown model name.
 * - `context-window`: the conversation does not fit the model's context.
 * - `content-policy`: the provider refused or filtered the content.
 * - `network`: the connection could not be made or was reset.
 * - `timeout`: no first token, a stall, or the total deadline passed.
 * - `truncated`: the stream ended without its protocol's completion signal.
 * - `protocol`: the provider sent something that is not its protocol (garbage, HTML with 200, ...).
 * - `aborted`: the caller cancelled.
 */
export type ErrorKind =
  | 'auth'
  | 'rate-limit'
  | 'overloaded'
  | 'server'
  | 'bad-request'
  | 'context-window'
  | 'content-policy'
  | 'network'
  | 'timeout'
  | 'truncated'
  | 'protocol'
  | 'aborted';

export interface BatonErrorInit {
  status?: number;
  retryAfterMs?: number;
  /** The Baton model id the request went to. */
  model?: string;
  provider?: string;
  /** The provider's own error code or type, e.g. `insufficient_quota`, `overloaded_error`. */
  code?: string;
  /** The request field the provider objected to (OpenAI's `param`), e.g. `max_tokens`. */
  param?: string;
  /** Overrides the kind's default retryability, for codes such as `insufficient_quota`. */
  retryable?: boolean;
  cause?: unknown;
}

export class BatonError extends Error {
  override readonly name = 'BatonError';
  readonly kind: ErrorKind;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly model?: string;
  readonly provider?: string;
  readonly code?: string;
  readonly param?: string;
  private readonly retryableOverride?: boolean;

  constructor(kind: ErrorKind, message: string, init: BatonErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = kind;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    this.model = init.model;
    this.provider = init.provider;
    this.code = init.code;
    this.param = init.param;
    this.retryableOverride = init.retryable;
  }

  /** Whether trying the same model again, after a pause, could help. */
  get retryable(): boolean {
    return this.retryableOverride ?? RETRYABLE.has(this.kind);
  }

  /** A copy that names the model, when the provider layer did not know it. */
  withModel(model: string, provider: string): BatonError {
    if (this.model === model) return this;
    const copy = new BatonError(this.kind, this.message, {
      status: this.status, retryAfterMs: this.retryAfterMs, model, provider, code: this.code, param: this.param,
      retryable: this.retryableOverride, cause: this.cause,
    });
    copy.stack = this.stack;
    return copy;
  }

  static is(value: unknown): value is BatonError {
    return value instanceof BatonError;
  }
}

const RETRYABLE: ReadonlySet<ErrorKind> = new Set<ErrorKind>([
  'rate-limit', 'overloaded', 'server', 'network', 'truncated', 'protocol',
]);

/** Short human words for a kind, for one-line notices ("connection reset", "overloaded"). */
export function describeKind(kind: ErrorKind): string {
  switch (kind) {
    case 'auth': return 'authentication failed';
    case 'rate-limit': return 'rate limited';
    case 'overloaded': return 'overloaded';
    case 'server': return 'server error';
    case 'bad-request': return 'request refused';
    case 'context-window': return 'context window exceeded';
    case 'content-policy': return 'content policy';
    case 'network': return 'connection failed';
    case 'timeout': return 'timed out';
    case 'truncated': return 'stream cut short';
    case 'protocol': return 'malformed response';
    case 'aborted': return 'cancelled';
  }
}
