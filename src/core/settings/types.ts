/** The wire protocols Baton speaks. `openai` also serves every OpenAI-compatible server. */
export type ProviderName = 'openai' | 'openai-responses' | 'anthropic' | 'gemini' | 'ollama';

export const PROVIDER_NAMES: readonly ProviderName[] = ['openai', 'openai-responses', 'anthropic', 'gemini', 'ollama'];

/** One entry of `baton.models`, with defaults filled in. */
export interface ModelConfig {
  /** Baton's own name for this entry, used by fallbacks, the picker and key storage. */
  id: string;
  provider: ProviderName;
  /** The provider's model name, e.g. `gpt-4.1-mini`. */
  model: string;
  /** A display name for pickers and notices; defaults to the id. */
  label?: string;
  baseUrl: string;
  /** Context window in tokens, when known. Used to pick a larger model after a context-window error. */
  contextWindow?: number;
  maxTokens?: number;
  temperature?: number;
  /** Whether the server continues a trailing assistant message. Defaults by provider. */
  prefill?: boolean;
  /**
   * Whether this model can call tools (default true). `false`: a request that offers tools, or
   * whose conversation holds tool calls, skips this model instead of sending it what it refuses.
   */
  tools?: boolean;
  /** Extra request headers, e.g. OpenRouter's `HTTP-Referer`. Never put keys here. */
  headers?: Record<string, string>;
  /** Extra top-level fields merged into the request body, e.g. vLLM's `continue_final_message`. */
  extraBody?: Record<string, unknown>;
  /**
   * This model's own waits, over `baton.timeouts`: a reasoning model (o3, gpt-5, Gemini 2.5) can
   * think in silence for longer than a fast chat model should ever be allowed to.
   */
  timeouts?: ModelTimeouts;
}

export interface Timeouts {
  /**
   * From sending the request to the response headers. Shorter than `firstTokenMs`: a server that
   * has not even answered is dead, not thinking, and is not retried.
   */
  headersMs: number;
  /** From sending the request to the first answer token (reasoning counts; pings and lifecycle events do not). */
  firstTokenMs: number;
  /** The longest silence between tokens once the answer has started. */
  idleMs: number;
  /** The whole request, every attempt included. */
  totalMs: number;
}

/** The waits a model entry may set for itself; the request's total stays global. */
export type ModelTimeouts = Partial<Pick<Timeouts, 'headersMs' | 'firstTokenMs' | 'idleMs'>>;

export interface RetryPolicy {
  /** Attempts per model before the first token, the first one included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited out: the next model is tried instead. */
  maxRetryAfterMs: number;
}

export interface CooldownPolicy {
  /** Failed requests in a row (not attempts) that open a model's circuit. */
  failureThreshold: number;
  cooldownMs: number;
}

/** What happens when a model fails after its first token. */
export type ContinuationMode = 'continue' | 'restart' | 'off';

export interface ContinuationPolicy {
  mode: ContinuationMode;
  /** The user message that asks a backup to continue, where prefill is not available. */
  prompt: string;
  /** The most times a partial answer may be handed on; before the first token the chain is the bound. */
  maxHandovers: number;
}

/** All of Baton's settings, validated and with defaults filled in. */
export interface BatonSettings {
  models: ModelConfig[];
  fallbacks: Record<string, string[]>;
  defaultModel?: string;
  timeouts: Timeouts;
  retry: RetryPolicy;
  cooldown: CooldownPolicy;
  continuation: ContinuationPolicy;
  /** Whether a content-policy refusal hands the request to the next model. */
  fallbackOnRefusal: boolean;
}
