import * as vscode from 'vscode';
import type { RouterEvent } from '../core/router/events';
import { describeHandover, Handover, handoverFrom } from './handovers';

/** One request in flight, as the status bar sees it. */
interface Running {
  /** The feature that sent it ("chat", "edit"). */
  label: string;
  model: string;
  /** Characters of this request's answer so far. */
  chars: number;
  /** Set when a backup took over this request. */
  handover?: Handover;
  startedAt: number;
}

/** What stays on the status bar once nothing runs: how the last request ended. */
type Settled =
  | { kind: 'idle' }
  | { kind: 'backup'; handover: Handover }
  | { kind: 'failed'; message: string };

/** The status of one request; the session feeds it the request's events and ends it. */
export interface RequestStatus {
  onEvent(event: RouterEvent): void;
  /** The request ended: answered (no error), cancelled (`aborted`) or failed. */
  end(error?: { kind: string; message: string }): void;
}

const MAX_HISTORY = 20;

/**
 * Baton's one status-bar item, over every request in flight. Idle, it names the default model;
 * while requests stream, it shows the worst of them (a backup at work before a healthy stream)
 * with that request's own character count; when a backup took over it turns to the warning
 * colours and names the backup, with a tooltip that says which model failed, why, when and at
 * which character. It returns to normal when a request is answered by its first model again.
 * Every text it shows goes through `clean`, which redacts every key Baton knows.
 */
export class StatusIndicator implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('baton.status', vscode.StatusBarAlignment.Right, 100);
  private readonly running = new Set<Running>();
  private settled: Settled = { kind: 'idle' };
  private defaultModel = '';
  private lastPaint = 0;
  readonly history: Handover[] = [];

  constructor(private readonly clean: (text: string) => string = (text) => text) {
    this.item.name = 'Baton';
    this.item.command = 'baton.showHandovers';
    this.paint();
    this.item.show();
  }

  setDefaultModel(id: string | undefined): void {
    this.defaultModel = id ?? '';
    this.paint();
  }

  /** Starts tracking one request. `primary` is the model it starts with. */
  begin(label: string, primary: string): RequestStatus {
    const request: Running = { label, model: primary, chars: 0, startedAt: performance.now() };
    let ended = false;
    return {
      onEvent: (event) => {
        if (!ended) this.onEvent(request, primary, event);
      },
      end: (error) => {
        if (ended) return;
        ended = true;
        this.onEnd(request, error);
      },
    };
  }

  private onEvent(request: Running, primary: string, event: RouterEvent): void {
    switch (event.type) {
      case 'attempt':
        this.running.add(request);
        request.model = event.model;
        break;
      case 'text':
        request.chars += event.text.length;
        // Repainting on every token would cost more than the text; a few times a second is plenty.
        if (performance.now() - this.lastPaint < 150) return;
        break;
      case 'fallback': {
        const handover = handoverFrom(event);
        this.history.unshift(handover);
        this.history.length = Math.min(this.history.length, MAX_HISTORY);
        request.handover = handover;
        request.model = event.to;
        request.chars = event.form === 'restart' ? 0 : event.at;
        break;
      }
      case 'done':
        this.running.delete(request);
        this.settled = event.handovers === 0 && event.model === primary ? { kind: 'idle' }
          : request.handover ? { kind: 'backup', handover: request.handover } : { kind: 'idle' };
        break;
      default:
        return;
    }
    this.paint();
  }

  private onEnd(request: Running, error?: { kind: string; message: string }): void {
    this.running.delete(request);
    if (error?.kind === 'aborted') this.settled = request.handover ? { kind: 'backup', handover: request.handover } : { kind: 'idle' };
    else if (error) this.settled = { kind: 'failed', message: error.message };
    this.paint();
  }

  /** The request to show: one a backup took over, else the latest to start. */
  private shown(): Running | undefined {
    let best: Running | undefined;
    for (const request of this.running) {
      const rank = (r: Running) => (r.handover ? 1 : 0);
      if (!best || rank(request) > rank(best) || (rank(request) === rank(best) && request.startedAt > best.startedAt)) best = request;
    }
    return best;
  }

  private paint(): void {
    this.lastPaint = performance.now();
    const item = this.item;
    item.backgroundColor = undefined;
    item.color = undefined;
    const request = this.shown();
    const others = this.running.size - 1;
    const alsoRunning = others > 0 ? ` ${others} more request${others > 1 ? 's' : ''} running.` : '';
    if (request?.handover) {
      this.paintBackup(request.handover, request.chars, alsoRunning);
      return;
    }
    if (request) {
      const chars = request.chars.toLocaleString('en-US');
      item.text = `$(loading~spin) ${request.model} · ${chars}`;
      item.tooltip = `Baton: ${request.model} is answering (${request.label}, ${chars} chars so far).${alsoRunning}`;
      item.accessibilityInformation = { label: `Baton, ${request.model} is answering` };
      return;
    }
    const settled = this.settled;
    switch (settled.kind) {
      case 'idle':
        item.text = `$(pulse) ${this.defaultModel || 'Baton'}`;
        item.tooltip = this.defaultModel
          ? `Baton: new requests start with ${this.defaultModel}. Click for recent handovers.`
          : 'Baton: no model configured yet. Add one to baton.models in settings.json.';
        item.accessibilityInformation = { label: `Baton, model ${this.defaultModel || 'not configured'}` };
        break;
      case 'backup':
        this.paintBackup(settled.handover, undefined, '');
        break;
      case 'failed':
        item.text = '$(error) Baton: failed';
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        item.color = new vscode.ThemeColor('statusBarItem.errorForeground');
        item.tooltip = `Baton: every model failed. ${this.clean(settled.message)}`;
        item.accessibilityInformation = { label: 'Baton, the last request failed' };
        break;
    }
  }

  /** A backup at work (`chars` while it streams) or, once done, still the model answering. */
  private paintBackup(h: Handover, chars: number | undefined, alsoRunning: string): void {
    const item = this.item;
    const streaming = chars !== undefined;
    item.text = `${streaming ? '$(loading~spin)' : '$(warning)'} backup: ${h.to}${streaming ? ` · ${chars.toLocaleString('en-US')}` : ''}`;
    item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    item.color = new vscode.ThemeColor('statusBarItem.warningForeground');
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**Backup in use: ${h.to}**\n\n`);
    tooltip.appendText(`${h.from} ${h.phase === 'mid-stream' ? `failed at ${h.chars.toLocaleString('en-US')} chars` : 'failed before its first token'} at ${h.at.toLocaleTimeString()}: ${h.reason}.\n`);
    tooltip.appendText(this.clean(h.detail));
    if (alsoRunning) tooltip.appendText(`\n${alsoRunning.trim()}`);
    tooltip.appendMarkdown('\n\nClick for recent handovers.');
    item.tooltip = tooltip;
    item.accessibilityInformation = { label: `Baton, backup ${h.to} in use: ${describeHandover(h)}` };
  }

  dispose(): void {
    this.item.dispose();
  }
}
