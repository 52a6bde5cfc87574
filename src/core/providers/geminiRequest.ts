import type { ChatRequest, ToolChoice } from '../chat';
import { historyTurns } from './toolHistory';

/**
 * Gemini 3 refuses a `functionCall` in the history without the thought signature the model
 * attached to it. Baton's history is neutral (a call may come from any protocol), so it sends the
 * value Google documents for calls the model did not make itself, on the first call of each turn
 * (Gemini puts its own signature only there, too). Older models ignore it.
 */
const FOREIGN_SIGNATURE = 'skip_thought_signature_validator';

type Part = Record<string, unknown>;

/**
 * The conversation as Gemini `contents`. A tool call becomes a `functionCall` part; its result a
 * `functionResponse` part in the next user content, in the same order and under the same name
 * (Gemini pairs them so), with the call's id as well. A result is an object: `{output}`, or
 * `{error}` when the tool failed.
 */
export function geminiContents(request: ChatRequest): { role: 'user' | 'model'; parts: Part[] }[] {
  const out: { role: 'user' | 'model'; parts: Part[] }[] = [];
  let resultsParts: Part[] | undefined;
  for (const turn of historyTurns(request.messages)) {
    if (turn.role === 'tool') {
      resultsParts = turn.results.map((result) => ({
        functionResponse: { id: result.toolCallId, name: result.name, response: result.isError ? { error: result.content } : { output: result.content } },
      }));
      out.push({ role: 'user', parts: resultsParts });
      continue;
    }
    if (turn.role === 'user') {
      if (resultsParts) resultsParts.push({ text: turn.content });
      else out.push({ role: 'user', parts: [{ text: turn.content }] });
    } else {
      out.push({
        role: 'model',
        parts: [
          ...(turn.content || !turn.toolCalls.length ? [{ text: turn.content }] : []),
          ...turn.toolCalls.map((call, index) => ({
            functionCall: { id: call.id, name: call.name, args: call.arguments },
            ...(index === 0 ? { thoughtSignature: FOREIGN_SIGNATURE } : {}),
          })),
        ],
      });
    }
    resultsParts = undefined;
  }
  return out;
}

/** `tools` (`functionDeclarations` with a JSON Schema) and `toolConfig`, when the request offers tools. */
export function geminiTools(request: ChatRequest): Record<string, unknown> {
  if (!request.tools?.length) return {};
  return {
    tools: [{
      functionDeclarations: request.tools.map((tool) => ({
        name: tool.name,
        ...(tool.description ? { description: tool.description } : {}),
        parametersJsonSchema: tool.parameters,
      })),
    }],
    ...(request.toolChoice ? { toolConfig: { functionCallingConfig: config(request.toolChoice) } } : {}),
  };
}

function config(toolChoice: ToolChoice): Record<string, unknown> {
  switch (toolChoice) {
    case 'auto': return { mode: 'AUTO' };
    case 'none': return { mode: 'NONE' };
    case 'required': return { mode: 'ANY' };
    default: return { mode: 'ANY', allowedFunctionNames: [toolChoice.name] };
  }
}
