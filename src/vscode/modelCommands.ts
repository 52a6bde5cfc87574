import * as vscode from 'vscode';
import { checkModels, ModelCheck } from '../core/check';
import type { BatonConfig } from './config';
import { describeHandover } from './handovers';
import type { KeyStore } from './keys';
import type { BatonLog } from './log';
import type { StatusIndicator } from './statusBar';

function checkLine(result: ModelCheck): string {
  const facts = [
    result.reachable ? 'reachable' : 'unreachable',
    result.authOk === undefined ? undefined : result.authOk ? 'auth ok' : result.hasKey ? 'key rejected' : 'no key',
    result.firstTokenMs !== undefined ? `first token ${result.firstTokenMs} ms` : undefined,
  ].filter(Boolean);
  return facts.join(' · ');
}

export function registerModelCommands(config: BatonConfig, keys: KeyStore, log: BatonLog, status: StatusIndicator): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('baton.selectModel', async (id?: string) => {
      const { models, defaultModel, fallbacks } = config.settings;
      if (!models.length) {
        const choice = await vscode.window.showWarningMessage('Baton: no models are configured. Add one with Baton: Manage Models, or in baton.models in settings.json.', 'Manage Models', 'Open Settings');
        if (choice === 'Manage Models') await vscode.commands.executeCommand('baton.manageModels');
        if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettingsJson');
        return undefined;
      }
      const current = defaultModel ?? models[0].id;
      const picked = id ?? (await vscode.window.showQuickPick(models.map((m) => ({
        label: m.label ?? m.id,
        description: `${m.provider} · ${m.model}${m.id === current ? ' · current' : ''}`,
        detail: fallbacks[m.id]?.length ? `Falls back to ${fallbacks[m.id].join(' → ')}` : 'No fallbacks configured',
        id: m.id,
      })), { title: 'Baton: Select Model', placeHolder: 'The model new requests start with' }))?.id;
      if (!picked) return undefined;
      await vscode.workspace.getConfiguration('baton').update('defaultModel', picked, vscode.ConfigurationTarget.Global);
      log.info(`settings: default model is now ${picked}`);
      return picked;
    }),
    vscode.commands.registerCommand('baton.checkModels', async () => {
      const { settings } = config;
      if (!settings.models.length) {
        void vscode.window.showWarningMessage('Baton: no models to check. Add one with Baton: Manage Models.', 'Manage Models')
          .then((choice) => choice && vscode.commands.executeCommand('baton.manageModels'));
        return [];
      }
      const results = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Baton: checking ${settings.models.length} model(s)…`, cancellable: true },
        (_progress, token) => {
          const controller = new AbortController();
          const listener = token.onCancellationRequested(() => controller.abort());
          return checkModels(settings, (model) => keys.resolve(model), controller.signal).finally(() => listener.dispose());
        },
      );
      for (const result of results) {
        const line = `check: ${result.model}: ${result.ok ? 'ok' : 'FAILED'}, ${checkLine(result)}${result.error ? `; ${result.errorKind}: ${result.error}` : ''}`;
        (result.ok ? log.info : log.warn).call(log, line);
      }
      const failed = results.filter((r) => !r.ok).length;
      void vscode.window.showQuickPick(results.map((r) => ({
        label: `${r.ok ? '$(pass-filled)' : '$(error)'} ${r.model}`,
        description: checkLine(r),
        detail: r.error ? log.clean(`${r.errorKind}: ${r.error}`) : undefined,
      })), { title: `Baton: ${results.length - failed} of ${results.length} models answered`, placeHolder: 'Check results (details in Baton: Show Log)' });
      // The results are the command's return value, which any extension can read.
      return results.map((result) => (result.error ? { ...result, error: log.clean(result.error) } : result));
    }),
    vscode.commands.registerCommand('baton.showLog', () => log.show()),
    vscode.commands.registerCommand('baton.showHandovers', async () => {
      const items: vscode.QuickPickItem[] = status.history.map((h) => ({
        label: `$(arrow-swap) ${describeHandover(h)}`,
        description: h.at.toLocaleTimeString(),
        detail: log.clean(h.detail),
      }));
      const showLog: vscode.QuickPickItem = { label: '$(output) Show Log', description: 'every attempt, retry and fallback' };
      const picked = await vscode.window.showQuickPick([...items, showLog], {
        title: items.length ? 'Baton: Recent Handovers' : 'Baton: no handovers yet; every answer came from its first model',
      });
      if (picked === showLog) log.show();
    }),
  ];
}
