import * as vscode from 'vscode';
import { registerChat } from './chat';
import { BatonConfig } from './config';
import { registerInlineEdit } from './edit';
import { registerKeyCommands } from './keyCommands';
import { KeyStore } from './keys';
import { registerLanguageModels } from './lm';
import { BatonLog } from './log';
import { ModelManager, registerManageModels } from './manage/manageModels';
import { registerModelCommands } from './modelCommands';
import { BatonSession } from './session';
import { StatusIndicator } from './statusBar';

/** What the extension exports, for tests and other extensions. */
export interface BatonApi {
  /** The folder holding Baton's log file ("Baton.log"). */
  logUri: vscode.Uri;
  session: BatonSession;
}

export function activate(context: vscode.ExtensionContext): BatonApi {
  const keys = new KeyStore(context.secrets);
  const log = new BatonLog(() => keys.known());
  const status = new StatusIndicator();
  const config = new BatonConfig(log, keys);
  const session = new BatonSession(config, keys, log, status);
  const models = new ModelManager(config, keys, log);
  context.subscriptions.push(
    log, status, config,
    config.onDidChange(() => status.setDefaultModel(session.defaultModel)),
    ...registerKeyCommands(config, keys, log),
    ...registerModelCommands(config, keys, log, status),
    ...registerChat(context, session),
    ...registerInlineEdit(context, session),
    registerManageModels(models),
    ...registerLanguageModels(context, session, models),
  );
  config.reload();
  status.setDefaultModel(session.defaultModel);
  return { logUri: context.logUri, session };
}

export function deactivate(): void {}
