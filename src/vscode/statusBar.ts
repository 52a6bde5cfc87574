import * as vscode from 'vscode';
import type { RouterEvent } from '../core/router/events';
import { describeHandover, Handover, handoverFrom } from './handovers';

type State =
  | { kind: 'idle' }
  | { kind: 'streaming'; model: string; chars: number }
  | { kind: 'backup'; handover: Handover; streaming: boolean; chars: number }
  | { kind: 'failed'; message: string };

const MAX_HISTORY = 20;

/**
 * Baton's one status-bar item. Idle, it names the default model; while streaming, it counts the
 * answer; when a backup takes over it turns to the warning colours and names the backup, with a
 * tooltip that says which model failed, why, when and at which character. It returns to normal
 * when a request is answered by its first model again.
 */
export class StatusIndicator implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('baton.status', vscode.StatusBarAlignment.Right, 100);
  private state: State = { kind: 'idle' };
  private defaultModel = '';
  private lastPaint = 0;
  readonly history: Handover[] = [];

  constructor() {
    this.item.name = 'Baton';
    this.item.command = 'baton.showHandovers';
    this.paint();
    this.item.show();
  }

  setDefaultModel(id: string | undefined): void {
    this.defaultModel = id ?? '';
    this.paint();
  }

  /** Feeds one request's router events. `primary` is the model the request started with. */
  onEvent(event: RouterEvent, primary: string): void {
    switch (event.type) {
      case 'attempt':
        if (this.state.kind === 'backup') this.state = { ...this.state, streaming: true };
        else if (this.state.kind !== 'streaming') this.state = { kind: 'streaming', model: primary, chars: 0 };
        break;
      case 'text':
        if (this.state.kind === 'streaming' || this.state.kind === 'backup') {
          this.state.chars += event.text.length;
          // Repainting on every token would cost more than the text; a few times a second is plenty.
          if (performance.now() - this.lastPaint < 150) return;
        }
        break;
      case 'fallback': {
        const handover = handoverFrom(event);
        this.history.unshift(handover);
        this.history.length = Math.min(this.history.length, MAX_HISTORY);
        this.state = { kind: 'backup', handover, streaming: true, chars: event.form === 'restart' ? 0 : event.at };
        break;
      }
      case 'done':
        this.state = event.handovers === 0 && event.model === primary
          ? { kind: 'idle' }
          : this.state.kind === 'backup' ? { ...this.state, streaming: false } : { kind: 'idle' };
        break;
      default:
        return;
    }
    this.paint();
  }

  /** The request ended without an answer (cancelled or failed). */
  onEnd(error?: { kind: string; message: string }): void {
    if (error && error.kind !== 'aborted') this.state = { kind: 'failed', message: error.message };
    else if (this.state.kind === 'backup') this.state = { ...this.state, streaming: false };
    else this.state = { kind: 'idle' };
    this.paint();
  }

  private paint(): void {
    this.lastPaint = performance.now();
    const item = this.item;
    const state = this.state;
    item.backgroundColor = undefined;
    item.color = undefined;
    switch (state.kind) {
      case 'idle':
        item.text = `$(pulse) ${this.defaultModel || 'Baton'}`;
        item.tooltip = this.defaultModel
          ? `Baton: new requests start with ${this.defaultModel}. Click for recent handovers.`
          : 'Baton: no model configured yet. Add one to baton.models in settings.json.';
        item.accessibilityInformation = { label: `Baton, model ${this.defaultModel || 'not configured'}` };
        break;
      case 'streaming':
        item.text = `$(loading~spin) ${state.model} · ${state.chars.toLocaleString('en-US')}`;
        item.tooltip = `Baton: ${state.model} is answering (${state.chars.toLocaleString('en-US')} chars so far).`;
        item.accessibilityInformation = { label: `Baton, ${state.model} is answering` };
        break;
      case 'backup': {
        const h = state.handover;
        item.text = `${state.streaming ? '$(loading~spin)' : '$(warning)'} backup: ${h.to}${state.streaming ? ` · ${state.chars.toLocaleString('en-US')}` : ''}`;
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        item.color = new vscode.ThemeColor('statusBarItem.warningForeground');
        const tooltip = new vscode.MarkdownString();
        tooltip.appendMarkdown(`**Backup in use: ${h.to}**\n\n`);
        tooltip.appendText(`${h.from} ${h.phase === 'mid-stream' ? `failed at ${h.chars.toLocaleString('en-US')} chars` : 'failed before its first token'} at ${h.at.toLocaleTimeString()}: ${h.reason}.\n`);
        tooltip.appendText(h.detail);
        tooltip.appendMarkdown('\n\nClick for recent handovers.');
        item.tooltip = tooltip;
        item.accessibilityInformation = { label: `Baton, backup ${h.to} in use: ${describeHandover(h)}` };
        break;
      }
      case 'failed':
        item.text = '$(error) Baton: failed';
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        item.color = new vscode.ThemeColor('statusBarItem.errorForeground');
        item.tooltip = `Baton: every model failed. ${state.message}`;
        item.accessibilityInformation = { label: 'Baton, the last request failed' };
        break;
    }
  }

  dispose(): void {
    this.item.dispose();
  }
}
