import type { BatonError, ErrorKind } from '../errors';
import type { CooldownPolicy } from '../settings/types';
import type { Clock } from './clock';

/**
 * One request's standing with one model's circuit, from admission to verdict. The router hands
 * it back with exactly one of `succeeded`, `failed` or `released`.
 */
export interface HealthTicket {
  readonly model: string;
  /** This request is the single probe let through once a cooldown has passed. */
  readonly probe: boolean;
  /** The circuit's generation at admission; it changes whenever the circuit opens. */
  readonly generation: number;
}

interface ModelHealth {
  /** Failed requests in a row while the circuit is closed. */
  failures: number;
  generation: number;
  openUntil?: number;
  /** Why the circuit is open, for the skip notice. */
  reason?: string;
  probe?: HealthTicket;
}

/** Failures that say something about the model's health, as opposed to the request or the user. */
const HEALTH_KINDS: ReadonlySet<ErrorKind> = new Set<ErrorKind>([
  'rate-limit', 'overloaded', 'server', 'network', 'timeout', 'truncated', 'protocol',
]);

const seconds = (ms: number) => Math.ceil(ms / 1000);

/**
 * A circuit breaker per model, shared by every request. After `failureThreshold` failed requests
 * in a row (a request fails on a model once, however many attempts it made) the circuit opens and
 * requests skip the model. When the cooldown has passed, exactly one request is let through as a
 * probe; if it succeeds traffic returns to the model, otherwise it cools down again. A provider's
 * long Retry-After opens the circuit for that long.
 *
 * Verdicts are judged against the circuit as it was when the request was admitted: a request that
 * started before the circuit opened neither closes it by succeeding nor touches the probe by failing.
 */
export class HealthTracker {
  private readonly models = new Map<string, ModelHealth>();

  constructor(private readonly clock: Clock, private readonly policy: () => CooldownPolicy) {}

  /** A ticket for a request to the model now, or undefined while the model is cooling down. */
  admit(modelId: string): HealthTicket | undefined {
    const health = this.models.get(modelId);
    if (!health || health.openUntil === undefined) return { model: modelId, probe: false, generation: health?.generation ?? 0 };
    if (this.clock.now() < health.openUntil || health.probe) return undefined;
    health.probe = { model: modelId, probe: true, generation: health.generation };
    return health.probe;
  }

  /** A ticket regardless of the circuit, for when every model is cooling down and one must be tried. */
  force(modelId: string): HealthTicket {
    return { model: modelId, probe: false, generation: this.models.get(modelId)?.generation ?? 0 };
  }

  succeeded(ticket: HealthTicket): void {
    const health = this.current(ticket);
    if (!health) return;
    health.failures = 0;
    health.openUntil = undefined;
    health.reason = undefined;
    health.probe = undefined;
  }

  /**
   * The request gave up on the model. `pauseMs` is how long the provider asked to be left alone
   * (a Retry-After too long to wait out); the circuit stays open at least that long.
   */
  failed(ticket: HealthTicket, error: BatonError, pauseMs?: number): void {
    if (pauseMs !== undefined) this.open(this.entry(ticket.model), pauseMs, `the provider asked for a pause of ${seconds(pauseMs)} s`);
    const health = this.current(ticket);
    if (!health || !HEALTH_KINDS.has(error.kind)) return this.released(ticket);
    if (ticket === health.probe || (health.openUntil !== undefined && pauseMs === undefined)) {
      this.open(health, this.policy().cooldownMs, 'cooling down after repeated failures');
    } else if (health.openUntil === undefined && ++health.failures >= this.policy().failureThreshold) {
      this.open(health, this.policy().cooldownMs, 'cooling down after repeated failures');
    }
  }

  /** The request ended without a verdict on the model (cancelled, abandoned, or failed for a reason unrelated to health). */
  released(ticket: HealthTicket): void {
    const health = this.models.get(ticket.model);
    if (health?.probe === ticket) health.probe = undefined;
  }

  /** Milliseconds until the model may be probed, or 0 when its circuit is closed or ready to probe. */
  coolingFor(modelId: string): number {
    const until = this.models.get(modelId)?.openUntil;
    return until === undefined ? 0 : Math.max(0, until - this.clock.now());
  }

  /** Why the model is skipped now, for the notice. */
  describeCooling(modelId: string): string {
    const health = this.models.get(modelId);
    const left = seconds(this.coolingFor(modelId));
    if (health?.probe && !left) return 'cooling down; another request is probing it now';
    return `${health?.reason ?? 'cooling down'}${left ? ` (${left} s left)` : ''}`;
  }

  private entry(modelId: string): ModelHealth {
    let health = this.models.get(modelId);
    if (!health) this.models.set(modelId, (health = { failures: 0, generation: 0 }));
    return health;
  }

  /** The model's health when the ticket is still current, else undefined (its news is stale). */
  private current(ticket: HealthTicket): ModelHealth | undefined {
    const health = this.entry(ticket.model);
    return health.generation === ticket.generation ? health : undefined;
  }

  private open(health: ModelHealth, ms: number, reason: string): void {
    const until = this.clock.now() + ms;
    if (health.openUntil !== undefined && health.openUntil >= until && health.probe === undefined) return;
    health.openUntil = Math.max(until, health.openUntil ?? 0);
    health.reason = reason;
    health.failures = 0;
    health.probe = undefined;
    health.generation++;
  }
}
