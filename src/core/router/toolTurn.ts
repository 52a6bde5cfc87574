import type { ChatRequest, ToolCall } from '../chat';
import { BatonError } from '../errors';
import { usesTools } from '../providers/toolHistory';
import type { ModelConfig } from '../settings/types';
import { newToolCallId } from '../toolIds';
import type { AttemptForm } from './continuation';
import type { RouterEvent } from './events';

/**
 * The tool calls of one routed turn, and the rules that keep them whole across failures:
 * - A call reaches the caller only complete (the providers buffer the pieces). Once it has, it
 *   stands: the turn ends with it even if the model fails right after, and it is never asked for
 *   or sent again (see {@link ToolTurn.standing}).
 * - A call that was still arriving when the model failed never reached anyone; the backup is
 *   given the text so far and the tools, and makes the call itself.
 * - Ids are unique in the conversation: a call without an id, or with one the conversation has
 *   already used (some servers number calls `call_0`, `call_1` on every turn), gets a fresh id.
 */
export class ToolTurn {
  readonly calls: ToolCall[] = [];
  private readonly used = new Set<string>();

  constructor(request: ChatRequest) {
    for (const message of request.messages) {
      if (message.role === 'tool') this.used.add(message.toolCallId);
      if (message.role === 'assistant') for (const call of message.toolCalls ?? []) this.used.add(call.id);
    }
  }

  /** Whether complete calls were emitted: the turn then ends with them, whatever fails next. */
  get standing(): boolean {
    return this.calls.length > 0;
  }

  /** Records a complete call from the model, with an id that is unique in the conversation. */
  accept(call: ToolCall): { call: ToolCall; renamed?: string } {
    const renamed = !call.id || this.used.has(call.id) ? call.id : undefined;
    const accepted = renamed === undefined ? call : { ...call, id: newToolCallId() };
    this.used.add(accepted.id);
    this.calls.push(accepted);
    return { call: accepted, renamed };
  }
}

/**
 * Leaves out the models that cannot carry this request's tools (`tools: false` in their entry),
 * each with a `skip` event, and fails with a clear error when none is left.
 */
export function* toolCapableChain(chain: ModelConfig[], request: ChatRequest): Generator<RouterEvent, ModelConfig[]> {
  if (!usesTools(request)) return chain;
  const capable = chain.filter((model) => model.tools !== false);
  for (const model of chain) {
    if (model.tools === false) yield { type: 'skip', model: model.id, reason: 'it cannot call tools ("tools": false in baton.models) and this request uses them' };
  }
  if (!capable.length) {
    throw new BatonError('bad-request', `no model in the chain can call tools (${chain.map((m) => m.id).join(', ')} ${chain.length > 1 ? 'all have' : 'has'} "tools": false); add a model that can, or remove the tools from the request`, { code: 'no-tool-model' });
  }
  return capable;
}

/** Asked to continue a cut-off reply by instruction, a model with tools is told it may still make the call. */
const TOOL_HINT = ' If the reply was about to call a tool, make that call.';

/**
 * The continuation request while tools are in play: the same tools and tool choice go to the
 * backup (they travel on the request), and an instruction to continue says that the call the
 * reply was leading up to is still wanted.
 */
export function withToolHint(request: ChatRequest, form: AttemptForm): ChatRequest {
  if (form !== 'instruction' || !request.tools?.length || request.toolChoice === 'none') return request;
  const messages = [...request.messages];
  const last = messages[messages.length - 1];
  if (last?.role !== 'user') return request;
  messages[messages.length - 1] = { ...last, content: last.content + TOOL_HINT };
  return { ...request, messages };
}
