/**
 * Tool call ids. A call's id is chosen once (by the model that made it, or by Baton when its
 * protocol sends none) and stays the same for the rest of the conversation, whichever protocol
 * carries it later. Where a protocol cannot carry an id as it is, it gets a stand-in derived from
 * the id alone, so the call and its result still carry the same stand-in and pair up.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A fresh id: `call_` and 24 random letters and digits, valid on every protocol Baton speaks. */
export function newToolCallId(): string {
  const bytes = new Uint8Array(24);
  globalThis.crypto.getRandomValues(bytes);
  let id = 'call_';
  for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length];
  return id;
}

/** What a protocol accepts as a tool call id. */
export interface ToolIdRule {
  maxLength: number;
  /** Every character must match, e.g. Anthropic's letters, digits, `_` and `-`. */
  allowed?: RegExp;
}

/** OpenAI Chat Completions refuses tool call ids longer than 40 characters. */
export const OPENAI_TOOL_ID: ToolIdRule = { maxLength: 40 };
/** Anthropic's `tool_use.id` must match `^[a-zA-Z0-9_-]+$`. */
export const ANTHROPIC_TOOL_ID: ToolIdRule = { maxLength: 64, allowed: /^[a-zA-Z0-9_-]+$/ };

/** The id as a protocol can carry it: unchanged when it fits, else a stable stand-in `call_<hash>`. */
export function wireToolId(id: string, rule: ToolIdRule): string {
  if (id.length > 0 && id.length <= rule.maxLength && (!rule.allowed || rule.allowed.test(id))) return id;
  return `call_${hash(id, 0x811c9dc5)}${hash(id, 0x01000193)}`;
}

/** FNV-1a over UTF-16 code units, as 8 hex digits; two seeds make collisions negligible. */
function hash(text: string, seed: number): string {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
