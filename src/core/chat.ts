/**
 * One turn of a conversation, in Baton's provider-neutral format. The system prompt travels
 * separately, in {@link ChatRequest.system}. Each provider translates these to its wire format.
 */
export type ChatMessage = UserMessage | AssistantMessage | ToolResultMessage;

export interface UserMessage {
  role: 'user';
  content: string;
}

/** What the model said: text, and the tools it called (in order), if any. */
export interface AssistantMessage {
  role: 'assistant';
  content: string;
  toolCalls?: ToolCall[];
}

/**
 * The result of one tool call, sent back to the model. `toolCallId` pairs it with the
 * {@link ToolCall} of the assistant message before it; `name` is that call's tool name.
 */
export interface ToolResultMessage {
  role: 'tool';
  toolCallId: string;
  name: string;
  /** The result as text (often JSON). */
  content: string;
  /** The tool failed; `content` says how. */
  isError?: boolean;
}

/** A tool the model may call. */
export interface ToolDefinition {
  name: string;
  description?: string;
  /** A JSON Schema for the arguments object. */
  parameters: Record<string, unknown>;
}

/** Whether and which tools the model may call: `auto` (default), `none`, `required` (any), or one by name. */
export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

/** A complete tool call: its arguments arrived whole and parsed as a JSON object. */
export interface ToolCall {
  /** Unique within the conversation; stable across providers (a backup's own ids are kept as given). */
  id: string;
  name: string;
  arguments: Record<string, unknown>;
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
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
}
