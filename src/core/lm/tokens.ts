import type { LmMessage } from './messages';

/** Tokens a chat format spends on a message's role and separators (OpenAI documents about 3). */
const MESSAGE_OVERHEAD = 3;
/** English prose runs at about 4 characters a token and dense code at about 3; 3.5 sits between them. */
const ASCII_CHARS_PER_TOKEN = 3.5;

/**
 * An estimate of a text's tokens, without a tokenizer: each protocol's models tokenize differently,
 * and shipping their tables would outweigh the rest of Baton. ASCII counts one token per 3.5
 * characters; every other code point (CJK, accents, emoji) counts one token, which is about right
 * for CJK and high for accented Latin. Close, not exact: callers budget prompts with it, so the
 * README advises some headroom in `contextWindow`.
 */
export function estimateTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (const char of text) {
    if (char.charCodeAt(0) < 0x80) ascii++;
    else other++;
  }
  return Math.ceil(ascii / ASCII_CHARS_PER_TOKEN) + other;
}

/** The estimate for a whole message: its text, its tool calls as JSON, its tool results, and the message's own overhead. */
export function estimateMessageTokens(message: LmMessage): number {
  let total = MESSAGE_OVERHEAD;
  for (const part of message.parts) {
    switch (part.type) {
      case 'text':
        total += estimateTokens(part.text);
        break;
      case 'tool-call':
        total += estimateTokens(part.name) + estimateTokens(JSON.stringify(part.input ?? {}));
        break;
      case 'tool-result':
        total += estimateTokens(part.content);
        break;
      case 'other':
        break;
    }
  }
  return total;
}
