import { BatonError, describeKind } from '../errors';
import type { FailedStep } from './events';

/**
 * The whole chain failed. Carries each step and the partial answer, which the front ends keep on
 * screen and never present as complete.
 */
export class RouterError extends BatonError {
  constructor(
    readonly cause: BatonError,
    readonly steps: FailedStep[],
    readonly partial: string,
    headline?: string,
  ) {
    super(cause.kind, composeMessage(cause, steps, partial, headline), {
      status: cause.status, model: cause.model, provider: cause.provider, code: cause.code, cause,
    });
  }
}

function composeMessage(cause: BatonError, steps: FailedStep[], partial: string, headline?: string): string {
  const story = steps.map((step) => `${step.model}: ${describeStep(step)}`).join('; ');
  const kept = partial ? ` The partial answer (${partial.length.toLocaleString('en-US')} chars) is kept; it is incomplete.` : '';
  const head = headline ?? (steps.length > 1 ? 'Every model in the chain failed.' : cause.message);
  return steps.length > 1 || headline ? `${head} ${story}.${kept}` : `${head}${kept}`;
}

export function describeStep(step: FailedStep): string {
  const where = step.phase === 'mid-stream' ? ` at ${step.at.toLocaleString('en-US')} chars` : '';
  return `${describeKind(step.error.kind)}${where} (${step.error.message})`;
}
