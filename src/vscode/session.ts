import * as vscode from 'vscode';
import { BatonError } from '../core/errors';
import { describeEvent } from '../core/router/describe';
import type { RouterEvent } from '../core/router/events';
import { RouteRequest, Router } from '../core/router/router';
import { RouterError } from '../core/router/routerError';
import type { BatonConfig } from './config';
import { KEY_NOT_SENT, KeyStore } from './keys';
import type { BatonLog } from './log';
import type { StatusIndicator } from './statusBar';

/**
 * The one way the editor's features (chat, inline edit, check) send requests: through the shared
 * router, with every attempt, retry, fallback and completion logged and shown in the status bar.
 */
export class BatonSession {
  readonly router: Router;

  constructor(readonly config: BatonConfig, readonly keys: KeyStore, readonly log: BatonLog, readonly status: StatusIndicator) {
    this.router = new Router({ settings: () => config.settings, resolveKey: (model) => keys.resolve(model) });
  }

  /** The model a request starts with when it names none. */
  get defaultModel(): string | undefined {
    const { settings } = this.config;
    return settings.defaultModel ?? settings.models[0]?.id;
  }

  private readonly keyOffers = new Set<string>();

  /** A rejected or missing key: say how to fix it, once per model per window. */
  private offerKey(model: string, reason: string): void {
    if (this.keyOffers.has(model)) return;
    this.keyOffers.add(model);
    void vscode.window.showWarningMessage(`Baton: ${model} refused the request (${this.log.clean(reason)}). Set its API key to use it.`, 'Set API Key').then((choice) => {
      if (choice) void vscode.commands.executeCommand('baton.setApiKey', { model });
    });
  }

  /**
   * Streams one request. `label` names the feature in the log ("chat", "edit"). Cancelling the
   * token aborts the upstream request at once. Errors are rethrown after logging, redacted.
   */
  async *run(label: string, request: RouteRequest, token?: vscode.CancellationToken): AsyncGenerator<RouterEvent> {
    const controller = new AbortController();
    const listener = token?.onCancellationRequested(() => controller.abort());
    const primary = request.model ?? this.defaultModel ?? '';
    this.log.info(`${label}: request to ${primary || '(no model)'}`);
    const status = this.status.begin(label, primary);
    let failure: BatonError | undefined;
    try {
      for await (const event of this.router.stream(request, controller.signal)) {
        const line = describeEvent(event);
        if (line) (event.type === 'fallback' || event.type === 'retry' || event.type === 'warning' ? this.log.warn : this.log.info).call(this.log, `${label}: ${line}`);
        status.onEvent(event);
        if (event.type === 'fallback' && event.error.kind === 'auth' && !keyWithheld(event.error)) this.offerKey(event.from, event.error.message);
        yield event;
      }
    } catch (error) {
      failure = BatonError.is(error) ? error : new BatonError('protocol', String(error));
      if (failure.kind === 'aborted') this.log.info(`${label}: cancelled`);
      else this.log.error(`${label}: failed: ${failure.message}${error instanceof RouterError && error.partial ? ` (kept ${error.partial.length} chars of partial answer)` : ''}`);
      throw error;
    } finally {
      listener?.dispose();
      status.end(failure && { kind: failure.kind, message: this.log.clean(failure.message) });
      controller.abort();
    }
  }
}

/** The request failed because the user kept the key from a new origin: asking for a key would be wrong. */
function keyWithheld(error: BatonError): boolean {
  const cause = error.cause;
  return error.code === KEY_NOT_SENT || (BatonError.is(cause) && cause.code === KEY_NOT_SENT);
}
