import * as vscode from 'vscode';
import { BatonError } from '../../core/errors';
import { requestFailed, unknownModel } from '../../core/lm/failure';
import { toChatRequest } from '../../core/lm/messages';
import { describeModels, LmModelInfo } from '../../core/lm/models';
import { estimateMessageTokens, estimateTokens } from '../../core/lm/tokens';
import type { BatonSession } from '../session';
import { languageModelError } from './errors';
import { toLmMessages, toLmOptions } from './messages';

/** The vendor Baton's models are registered under (`contributes.languageModelChatProviders`). */
export const VENDOR = 'baton';

type Info = vscode.LanguageModelChatInformation;

/**
 * Baton's configured models as the editor's language models, so the built-in chat (ask, edit and
 * agent modes) and every extension that calls `vscode.lm` get Baton's fallback chains. A request
 * streams through the shared session: it is logged, lights the status bar on a handover, and the
 * backup continues the same answer, so the caller sees one unbroken stream.
 */
export class BatonChatProvider implements vscode.LanguageModelChatProvider<Info>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeLanguageModelChatInformation = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private published = '';

  /** `addModel` runs "Baton: Manage Models" at its Add Model step; only when the editor says the user asked. */
  constructor(private readonly session: BatonSession, private readonly addModel: () => Promise<unknown>) {
    this.subscription = session.config.onDidChange(() => {
      if (this.published && JSON.stringify(this.models()) !== this.published) this.changed.fire();
    });
  }

  /**
   * Every configured model. With `silent`, never asks anything (keys missing or not, every model is
   * listed: a missing key is reported when the model is used). Without it, the user chose Baton
   * under the editor's "Add Models", so the Add Model form runs first.
   */
  async provideLanguageModelChatInformation(options: vscode.PrepareLanguageModelChatModelOptions, _token: vscode.CancellationToken): Promise<Info[]> {
    if (!options.silent) await this.addModel();
    const models = this.models();
    this.published = JSON.stringify(models);
    return models.map(toInformation);
  }

  async provideLanguageModelChatResponse(
    model: Info,
    messages: readonly vscode.LanguageModelChatRequestMessage[],
    options: vscode.ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<vscode.LanguageModelResponsePart>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    const { log, config } = this.session;
    const configured = config.settings.models.map((m) => m.id);
    const caller = requestInitiator(options);
    if (!configured.includes(model.id)) {
      const failure = unknownModel(model.id, configured);
      log.warn(`lm (${caller}): ${failure.message}`);
      throw languageModelError(failure);
    }
    let conversion;
    try {
      conversion = toChatRequest(toLmMessages(messages), toLmOptions(options));
    } catch (error) {
      const failure = requestFailed(model.id, BatonError.is(error) ? error : new BatonError('bad-request', String(error)));
      log.warn(`lm (${caller}): ${failure.message}`);
      throw languageModelError(failure);
    }
    for (const line of conversion.dropped) log.info(`lm (${caller}): ${line}`);
    const { tools, toolChoice } = conversion.request;
    if (tools?.length) log.info(`lm (${caller}): ${tools.length} tool(s) offered (${toolChoice}): ${tools.map((t) => t.name).join(', ')}`);
    try {
      let reported = false;
      for await (const event of this.session.run(`lm (${caller})`, { ...conversion.request, model: model.id }, token)) {
        if (event.type === 'text') {
          reported = true;
          progress.report(new vscode.LanguageModelTextPart(event.text));
        } else if (event.type === 'tool-call') {
          progress.report(new vscode.LanguageModelToolCallPart(event.call.id, event.call.name, event.call.arguments));
        } else if (event.type === 'fallback' && event.form === 'restart' && reported) {
          // Text already reported cannot be taken back: say plainly that the answer starts again.
          progress.report(new vscode.LanguageModelTextPart(restartMarker(event.from, event.to)));
        }
      }
    } catch (error) {
      if (token.isCancellationRequested || (BatonError.is(error) && error.kind === 'aborted')) throw new vscode.CancellationError();
      const cause = BatonError.is(error) ? error : new BatonError('protocol', String(error));
      const failure = requestFailed(model.id, cause);
      throw languageModelError({ ...failure, message: log.clean(failure.message) }, { kind: cause.kind, message: log.clean(cause.message) });
    }
  }

  /** An estimate (see core/lm/tokens.ts): no tokenizer fits every protocol's models. */
  async provideTokenCount(_model: Info, text: string | vscode.LanguageModelChatRequestMessage, _token: vscode.CancellationToken): Promise<number> {
    return typeof text === 'string' ? estimateTokens(text) : estimateMessageTokens(toLmMessages([text])[0]);
  }

  private models(): LmModelInfo[] {
    return describeModels(this.session.config.settings);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/**
 * What a caller reads when the answer restarts on another model (a refusal, or continuation mode
 * `restart`): the text above it is abandoned, and the model that starts over is named.
 */
export function restartMarker(from: string, to: string): string {
  return `\n\n---\n\n*${from} stopped; ${to} starts the answer again:*\n\n`;
}

function toInformation(model: LmModelInfo): Info {
  return {
    id: model.id, name: model.name, family: model.family, version: model.version,
    detail: model.detail, tooltip: model.tooltip,
    maxInputTokens: model.maxInputTokens, maxOutputTokens: model.maxOutputTokens,
    capabilities: { toolCalling: model.toolCalling },
  };
}

/** The extension that sent the request, where the editor says (an undocumented field), for the log. */
function requestInitiator(options: vscode.ProvideLanguageModelChatResponseOptions): string {
  const initiator = (options as { requestInitiator?: unknown }).requestInitiator;
  return typeof initiator === 'string' && initiator ? initiator : 'another extension';
}
