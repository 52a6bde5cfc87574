import type { ProviderName } from '../settings/types';
import { anthropic } from './anthropic';
import { gemini } from './gemini';
import { ollama } from './ollama';
import { openaiChat } from './openaiChat';
import { openaiResponses } from './openaiResponses';
import type { Provider } from './provider';

const PROVIDERS: Record<ProviderName, Provider> = {
  openai: openaiChat,
  'openai-responses': openaiResponses,
  anthropic,
  gemini,
  ollama,
};

export function providerFor(name: ProviderName): Provider {
  return PROVIDERS[name];
}

export type { PartReader, PartStream, Provider, ProviderCall } from './provider';
