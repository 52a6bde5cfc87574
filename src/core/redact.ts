/** Shapes of well-known API keys, redacted even when Baton was never told the key. */
const KEY_PATTERNS: RegExp[] = [
  /\bsk-ant-[A-Za-z0-9_-]{8,}/g,
  /\bsk-[A-Za-z0-9_-]{16,}/g,
  /\bAIza[0-9A-Za-z_-]{30,}/g,
  /\b(?:xai|gsk|pplx|or)-[A-Za-z0-9_-]{20,}/g,
];

export const REDACTED = '[redacted]';

/**
 * Removes secrets from text bound for a log, a notification or an error message: every given
 * secret verbatim, plus anything shaped like a common provider key. Providers sometimes echo a
 * key back in an error body ("Incorrect API key provided: sk-..."), so error text goes through here too.
 */
export function redact(text: string, secrets: Iterable<string | undefined> = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 6) out = out.split(secret).join(REDACTED);
  }
  for (const pattern of KEY_PATTERNS) out = out.replace(pattern, REDACTED);
  return out;
}
