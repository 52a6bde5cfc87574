import * as vscode from 'vscode';
import { BatonError, describeKind } from '../../core/errors';
import type { AssistantTurn, ErrorCard, Seam } from '../../core/protocol/chat';
import type { HostMessage } from '../../core/protocol/messages';
import type { FailedStep, RouterEvent } from '../../core/router/events';
import type { RouteRequest } from '../../core/router/router';
import { describeStep, RouterError } from '../../core/router/routerError';
import type { BatonSession } from '../session';

/** Text deltas are gathered for this long before they go to the webview as one message. */
const TEXT_BATCH_MS = 16;

/** Short words for why a model dropped; a reset connection says so. */
export function reasonOf(error: BatonError): string {
  if (error.kind === 'network' && (error.code === 'ECONNRESET' || error.code === 'UND_ERR_SOCKET')) return 'connection reset';
  return describeKind(error.kind);
}

/** "dropped at 1,204 chars: connection reset (openai: connection reset (host:443))" */
export function describeFailure(step: FailedStep, detail: string): string {
  const at = step.at.toLocaleString('en-US');
  const what = step.phase === 'before-first-token' ? `${reasonOf(step.error)} before answering`
    : step.form === 'prefill' || step.form === 'instruction' ? `${reasonOf(step.error)} while continuing the answer (at ${at} chars)`
      : `dropped at ${at} chars: ${reasonOf(step.error)}`;
  return `${what} (${detail})`;
}

export interface AnswerRunHost {
  post(message: HostMessage): void;
  /** Display name for a model id. */
  label(modelId: string): string;
  /** Called as the answer grows, so the chat can be saved now and then. */
  changed(): void;
}

/**
 * Streams one answer into its turn: text (coalesced for the webview), progress, seams where a
 * backup takes over, and the end state. Stopping cancels the request at once; the session aborts
 * the upstream socket. The turn object is updated in place and is always the truth.
 */
export class AnswerRun {
  private readonly cancellation = new vscode.CancellationTokenSource();
  private pending = '';
  private timer?: ReturnType<typeof setTimeout>;
  private stopped = false;
  /** The model whose text the answer ends with. */
  private writer?: string;
  private attempting?: string;

  constructor(private readonly session: BatonSession, readonly turn: AssistantTurn, private readonly host: AnswerRunHost) {}

  stop(): void {
    this.stopped = true;
    this.cancellation.cancel();
  }

  /** Runs to the end; never throws. */
  async run(request: RouteRequest): Promise<void> {
    const { turn } = this;
    try {
      for await (const event of this.session.run('chat', request, this.cancellation.token)) {
        if (this.stopped) break;
        this.onEvent(event);
      }
      turn.status = this.stopped ? 'stopped' : 'done';
    } catch (error) {
      if (this.stopped || (BatonError.is(error) && error.kind === 'aborted')) turn.status = 'stopped';
      else {
        turn.status = 'failed';
        turn.error = this.errorCard(error);
      }
    } finally {
      this.cancellation.dispose();
      if (turn.status !== 'done') {
        // A backup that wrote nothing before the end did not continue anything: no seam, and the
        // answer is credited to whoever wrote its last words.
        turn.seams = turn.seams.filter((seam) => seam.offset < turn.text.length);
        if (this.writer) turn.model = this.writer;
      }
      this.flush();
      this.host.post({ type: 'end', turn });
      this.host.changed();
    }
  }

  private onEvent(event: RouterEvent): void {
    const { turn, host } = this;
    switch (event.type) {
      case 'text': {
        const text = event.text.replace(/\r/g, '');
        turn.text += text;
        this.writer = this.attempting;
        this.pending += text;
        this.timer ??= setTimeout(() => this.flush(), TEXT_BATCH_MS);
        return;
      }
      case 'attempt': {
        turn.model = host.label(event.model);
        this.attempting = turn.model;
        const note = event.attempt > 1 ? `attempt ${event.attempt}` : event.form === 'fresh' ? undefined : `continuing (${event.form})`;
        this.progress(note);
        return;
      }
      case 'reasoning':
        if (!turn.text) this.progress('thinking…');
        return;
      case 'retry':
        this.progress(`${describeKind(event.error.kind)}; retrying in ${(event.delayMs / 1000).toFixed(1)} s`);
        return;
      case 'skip':
        turn.notes.push(`${host.label(event.model)} was skipped: ${event.reason}.`);
        return;
      case 'fallback':
        this.onFallback(event);
        return;
      case 'warning':
        return;
      case 'done':
        turn.model = host.label(event.model);
        turn.finishReason = event.finishReason;
        return;
    }
  }

  private onFallback(event: Extract<RouterEvent, { type: 'fallback' }>): void {
    const { turn, host } = this;
    this.flush();
    const from = host.label(event.from);
    const to = host.label(event.to);
    const detail = this.session.log.clean(event.error.message);
    if (event.phase === 'before-first-token') {
      turn.notes.push(`${from} could not answer (${reasonOf(event.error)}), so ${to} was asked.`);
      turn.model = to;
      this.progress(`${from} failed, trying ${to}`);
      return;
    }
    const form = event.form === 'restart' ? 'restart' : event.form === 'instruction' ? 'instruction' : 'prefill';
    const seam: Seam = { offset: form === 'restart' ? 0 : turn.text.length, from, to, reason: reasonOf(event.error), detail, at: event.at, form };
    if (form === 'restart') {
      turn.text = '';
      this.writer = undefined;
    }
    turn.seams.push(seam);
    turn.model = to;
    host.post({ type: 'seam', turnId: turn.id, seam });
    host.changed();
  }

  private progress(note: string | undefined): void {
    this.flush();
    this.host.post({ type: 'progress', turnId: this.turn.id, model: this.turn.model, note });
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending) return;
    this.host.post({ type: 'text', turnId: this.turn.id, text: this.pending });
    this.pending = '';
    this.host.changed();
  }

  private errorCard(error: unknown): ErrorCard {
    const clean = (text: string) => this.session.log.clean(text);
    if (error instanceof RouterError && error.steps.length) {
      const steps = error.steps.map((step) => ({ model: this.host.label(step.model), what: describeFailure(step, clean(step.error.message)) }));
      // The router's message is "<headline> <story>." when it has a headline of its own (out of time, too many handovers).
      const story = error.steps.map((step) => `${step.model}: ${describeStep(step)}`).join('; ');
      const cut = error.message.indexOf(` ${story}.`);
      const own = cut > 0 ? error.message.slice(0, cut) : undefined;
      const headline = own ?? (steps.length > 1 ? 'Every model in the chain failed.' : `${steps[0].model} failed: ${reasonOf(error.steps[0].error)}.`);
      return { kind: error.kind, headline: clean(headline), steps };
    }
    if (BatonError.is(error)) return { kind: error.kind, headline: clean(capitalize(error.message)), steps: [] };
    return { kind: 'protocol', headline: clean(`Something went wrong: ${(error as Error)?.message ?? String(error)}`), steps: [] };
  }
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
