/** One turn of a conversation. The system prompt travels separately, in {@link ChatRequest.system}. */
export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

/**
 * What a front end asks for. Provider-neutral: each provider turns it into its own wire shape.
 * A trailing `assistant` message is a prefill: the model is asked to continue that text.
 */
export interface ChatRequest {
  system?: string;
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
}
