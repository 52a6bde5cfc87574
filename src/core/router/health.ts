import type { BatonError, ErrorKind } from '../errors';
import type { CooldownPolicy } from '../settings/types';
import type { Clock } from './clock';

/** What the tracker says about sending a request to a model now. */
export type Admission = 'ok' | 'probe' | 'cooling';

interface ModelHealth {
  failures: number;
  openUntil?: number;
  probing: boolean;
}

/** Failures that say something about the model's health, as opposed to the request or the user. */
const HEALTH_KINDS: ReadonlySet<ErrorKind> = new Set<ErrorKind>([
  'rate-limit', 'overloaded', 'server', 'network', 'timeout', 'truncated', 'protocol',
]);

/**
 * A circuit breaker per model, shared by every request. After `failureThreshold` failures in a row
 * the circuit opens and requests skip the model. When the cooldown has passed, exactly one request
 * is let through as a probe; if it succeeds traffic returns to the model, otherwise it cools again.
 */
export class HealthTracker {
  private readonly models = new Map<string, ModelHealth>();

  constructor(private readonly clock: Clock, private readonly policy: () => CooldownPolicy) {}

  admit(modelId: string): Admission {
    const health = this.models.get(modelId);
    if (!health || health.openUntil === undefined) return 'ok';
    if (this.clock.now() < health.openUntil || health.probing) return 'cooling';
    health.probing = true;
    return 'probe';
  }

  succeeded(modelId: string): void {
    this.models.delete(modelId);
  }

  failed(modelId: string, error: BatonError): void {
    if (!HEALTH_KINDS.has(error.kind)) return this.released(modelId);
    const health = this.models.get(modelId) ?? { failures: 0, probing: false };
    health.failures++;
    const { failureThreshold, cooldownMs } = this.policy();
    if (health.probing || health.failures >= failureThreshold) health.openUntil = this.clock.now() + cooldownMs;
    health.probing = false;
    this.models.set(modelId, health);
  }

  /** A probe ended without a verdict (cancelled, or failed for a reason unrelated to health). */
  released(modelId: string): void {
    const health = this.models.get(modelId);
    if (health) health.probing = false;
  }

  /** Milliseconds until the model may be probed, or 0 when its circuit is closed or ready to probe. */
  coolingFor(modelId: string): number {
    const until = this.models.get(modelId)?.openUntil;
    return until === undefined ? 0 : Math.max(0, until - this.clock.now());
  }
}
