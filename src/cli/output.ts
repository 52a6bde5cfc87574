import type { ToolCall } from '../core/chat';
import { BatonError } from '../core/errors';
import type { RouterEvent } from '../core/router/events';
import { RouterError } from '../core/router/routerError';

/** The JSON line for a router event in `--json` mode: errors become plain `{kind, message, status}`. */
export function eventJson(event: RouterEvent): Record<string, unknown> {
  if (event.type === 'tool-call') return toolCallJson(event.call);
  if ('error' in event) return { ...event, error: errorJson(event.error) };
  return { ...event };
}

/** A complete tool call as scripts read it: `{"type":"tool-call","id","name","arguments"}`. */
export function toolCallJson(call: ToolCall): Record<string, unknown> {
  return { type: 'tool-call', id: call.id, name: call.name, arguments: call.arguments };
}

export function errorJson(error: BatonError): Record<string, unknown> {
  const out: Record<string, unknown> = { kind: error.kind, message: error.message };
  if (error.status !== undefined) out.status = error.status;
  if (error.model !== undefined) out.model = error.model;
  if (error.retryAfterMs !== undefined) out.retryAfterMs = error.retryAfterMs;
  return out;
}

/** The final `{"type":"error"}` line, with the partial answer's length and each failed step. */
export function failureJson(error: BatonError): Record<string, unknown> {
  const out: Record<string, unknown> = { type: 'error', ...errorJson(error) };
  if (error instanceof RouterError) {
    out.partialChars = error.partial.length;
    out.steps = error.steps.map((step) => ({ model: step.model, attempt: step.attempt, phase: step.phase, at: step.at, error: errorJson(step.error) }));
  }
  return out;
}

/** Writes to a stream and resolves when the data is handed to the OS (respecting backpressure). */
export function write(stream: NodeJS.WritableStream, text: string): Promise<void> | void {
  if (!stream.write(text)) return new Promise((resolve) => stream.once('drain', resolve));
}
