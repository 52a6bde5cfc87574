import { describeKind } from '../errors';
import type { RouterEvent } from './events';

const chars = (n: number) => `${n.toLocaleString('en-US')} chars`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

/**
 * One readable line for a router event, for the CLI's stderr and the editor's log: which model,
 * what happened, and at which character. Text events have no line.
 */
export function describeEvent(event: RouterEvent): string | undefined {
  switch (event.type) {
    case 'attempt':
      return `${event.model}: attempt ${event.attempt}${event.form === 'fresh' ? '' : ` (${event.form})`}${event.probe ? ', probing after cooldown' : ''}`;
    case 'retry':
      return `${event.model}: ${describeKind(event.error.kind)} (${event.error.message}); retrying in ${seconds(event.delayMs)}`;
    case 'skip':
      return `${event.model}: skipped, ${event.reason}`;
    case 'fallback': {
      const what = event.phase === 'mid-stream'
        ? `dropped at ${chars(event.at)}: ${describeKind(event.error.kind)}`
        : `failed before the first token: ${describeKind(event.error.kind)}`;
      const how = event.form === 'restart' ? 'restarting the answer on' : event.phase === 'mid-stream' ? 'continued by' : 'trying';
      return `${event.from} ${what} (${event.error.message}) → ${how} ${event.to}${event.phase === 'mid-stream' && event.form !== 'restart' ? ` (${event.form})` : ''}`;
    }
    case 'warning':
      return `${event.model}: warning: ${event.message}`;
    case 'done': {
      const { inputTokens, outputTokens, estimated } = event.usage;
      const tokens = inputTokens !== undefined || outputTokens !== undefined
        ? `; ${inputTokens ?? '?'} in / ${outputTokens ?? '?'} out tokens${estimated ? ' (partly estimated)' : ''}` : '';
      const handed = event.handovers ? `, ${event.handovers} handover${event.handovers > 1 ? 's' : ''}` : '';
      return `${event.model}: done (${event.finishReason}${handed}${tokens})`;
    }
    case 'tool-call':
      return `tool call ${event.call.name} (${event.call.id})`;
    case 'tool-calls-kept':
      return `${event.model} failed after ${event.calls} complete tool call${event.calls > 1 ? 's' : ''}: ${describeKind(event.error.kind)} (${event.error.message}) → the turn ends with ${event.calls > 1 ? 'them' : 'it'}, no handover (a complete call stands and is never sent again)`;
    case 'text':
    case 'reasoning':
      return undefined;
  }
}
