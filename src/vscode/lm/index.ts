import * as vscode from 'vscode';
import type { ModelManager } from '../manage/manageModels';
import type { BatonSession } from '../session';
import { registerParticipant } from './participant';
import { BatonChatProvider, VENDOR } from './provider';

/** Baton's models as the editor's language models, and `@baton` in the built-in chat. */
export function registerLanguageModels(context: vscode.ExtensionContext, session: BatonSession, manager: ModelManager): vscode.Disposable[] {
  const provider = new BatonChatProvider(session, () => manager.run('add'));
  return [provider, vscode.lm.registerLanguageModelChatProvider(VENDOR, provider), registerParticipant(context, session)];
}
