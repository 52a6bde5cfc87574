import type { BatonError, ErrorKind } from '../errors';
import { RouterError } from '../router/routerError';

/**
 * What a caller of the editor's language-model API is told when Baton cannot answer: a code from
 * the editor's vocabulary (`NotFound` for a model Baton does not have, `Unknown` for a failure of
 * the model itself) and a message that names the model and the fix.
 */
export interface LmFailure {
  code: 'NotFound' | 'Unknown';
  message: string;
}

const MANAGE = '"Baton: Manage Models"';

/** The model id is not (or no longer) in `baton.models`. */
export function unknownModel(id: string, configured: readonly string[]): LmFailure {
  const known = configured.length ? `Configured models: ${configured.join(', ')}.` : 'No models are configured.';
  return {
    code: 'NotFound',
    message: `Baton has no model "${id}". ${known} Run ${MANAGE} to add it, or choose another Baton model.`,
  };
}

/** The request failed: the whole chain, or the conversation itself. */
export function requestFailed(id: string, error: BatonError): LmFailure {
  return { code: 'Unknown', message: `Baton model "${id}" could not answer. ${sentence(error.message)} ${fix(error.kind, culprits(id, error), error.code)}` };
}

/** Who the fix is about: every model of the chain that failed the same way as the last, else the last. */
function culprits(id: string, error: BatonError): string {
  const same = error instanceof RouterError ? error.steps.filter((s) => s.error.kind === error.kind).map((s) => s.model) : [];
  const names = [...new Set(same.length ? same : [error.model ?? id])].map((name) => `"${name}"`);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0];
}

function fix(kind: ErrorKind, failed: string, code: string | undefined): string {
  if (code === 'invalid-conversation') return 'The caller sent a conversation that cannot be sent to any model; this is a bug in the calling extension.';
  switch (kind) {
    case 'auth':
      return `Set the API key for ${failed} with ${MANAGE} (or "Baton: Set API Key").`;
    case 'bad-request':
      return `Check the model name and base URL of ${failed} with ${MANAGE}.`;
    case 'context-window':
      return 'Shorten the conversation, or add a fallback with a larger contextWindow with ' + MANAGE + '.';
    case 'content-policy':
      return 'The provider refused the content: rephrase it, or set baton.fallbackOnRefusal to let a backup answer.';
    case 'aborted':
      return 'The request was cancelled.';
    case 'rate-limit':
    case 'overloaded':
    case 'server':
    case 'network':
    case 'timeout':
    case 'truncated':
    case 'protocol':
      return `Run "Baton: Check Models" to see which models answer, and add a fallback with ${MANAGE}.`;
  }
}

/** The message as one sentence (capitalised, ending in a full stop) to sit between two others. */
function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
