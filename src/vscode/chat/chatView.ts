import * as vscode from 'vscode';
import type { HostMessage, WebviewMessage } from '../../core/protocol/messages';
import { parseWebviewMessage } from '../../core/protocol/validate';
import type { BatonLog } from '../log';
import { chatHtml, mediaRoot } from './html';

/**
 * The `baton.chat` webview view. It validates what the webview sends (a malformed message is
 * dropped and logged) and posts to it only once it has said it is ready. VS Code discards the
 * page when the view is hidden; it asks for a snapshot again when it comes back.
 */
export class ChatView implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly id = 'baton.chat';
  private view?: vscode.WebviewView;
  private ready = false;
  /** Requests to show something (history, focus) made before the page was ready. */
  private queued: HostMessage[] = [];
  private readonly received = new vscode.EventEmitter<WebviewMessage>();
  readonly onDidReceive = this.received.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri, private readonly log: BatonLog) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    view.webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [mediaRoot(this.extensionUri)] };
    view.webview.html = chatHtml(view.webview, this.extensionUri);
    const subscriptions = [
      view.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      view.onDidChangeVisibility(() => { if (!view.visible) this.ready = false; }),
    ];
    subscriptions.push(view.onDidDispose(() => {
      if (this.view === view) this.view = undefined;
      this.ready = false;
      for (const subscription of subscriptions) subscription.dispose();
    }));
    this.subscriptions.push(...subscriptions);
  }

  /** Shows the panel, creating it if needed. */
  async reveal(): Promise<void> {
    if (this.view) this.view.show(false);
    else await vscode.commands.executeCommand(`${ChatView.id}.focus`);
  }

  /**
   * Posts to the page. Before it is ready, a state change is dropped (the snapshot it asks for
   * carries it); a request to show something (history, focus, a notice) waits for it.
   */
  post(message: HostMessage): void {
    if (this.view && this.ready) void this.view.webview.postMessage(message);
    else if (message.type === 'history' || message.type === 'focus' || message.type === 'notice') this.queued.push(message);
  }

  /** The page said it is ready: posts its snapshot, then the requests that waited for it. */
  deliverSnapshot(snapshot: HostMessage): void {
    if (!this.view) return;
    this.ready = true;
    void this.view.webview.postMessage(snapshot);
    for (const message of this.queued.splice(0)) void this.view.webview.postMessage(message);
  }

  private receive(raw: unknown): void {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.log.warn(`chat: dropped a malformed message from the webview: ${parsed.error}`);
      return;
    }
    this.received.fire(parsed.message);
  }

  dispose(): void {
    this.received.dispose();
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
