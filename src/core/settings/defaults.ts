import type { BatonSettings, ProviderName } from './types';

export const DEFAULT_BASE_URLS: Record<ProviderName, string> = {
  openai: 'https://api.openai.com/v1',
  'openai-responses': 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
  gemini: 'https://generativelanguage.googleapis.com/v1beta',
  ollama: 'http://127.0.0.1:11434',
};

/**
 * Language-neutral on purpose: it asks the model to keep the reply's own language, format and voice,
 * and it travels as a user turn, so the user's system prompt and persona stay in charge. Baton
 * appends the anchor request to it (see `anchorInstruction`), so it must not forbid repeating.
 */
export const DEFAULT_CONTINUATION_PROMPT =
  'Your previous reply was cut off. Continue it from exactly where it stopped: do not start it over, ' +
  'do not add a preamble or any comment, and keep its language, format and voice.';

/** Defaults for an interactive editor: a stall is noticed within seconds. */
export const DEFAULT_SETTINGS: Omit<BatonSettings, 'models' | 'fallbacks' | 'defaultModel'> = {
  timeouts: { headersMs: 10_000, firstTokenMs: 20_000, idleMs: 8_000, totalMs: 600_000 },
  retry: { maxAttempts: 3, baseDelayMs: 400, maxDelayMs: 8_000, maxRetryAfterMs: 20_000 },
  cooldown: { failureThreshold: 3, cooldownMs: 60_000 },
  continuation: { mode: 'continue', prompt: DEFAULT_CONTINUATION_PROMPT, maxHandovers: 3 },
  fallbackOnRefusal: false,
};
