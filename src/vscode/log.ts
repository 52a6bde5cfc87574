import * as vscode from 'vscode';
import { redact } from '../core/redact';

/**
 * Baton's log: a LogOutputChannel named "Baton". Every line goes through {@link redact} with every
 * key Baton has seen this session, so a key never reaches the log even when a provider echoes it.
 */
export class BatonLog implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('Baton', { log: true });

  constructor(private readonly secrets: () => Iterable<string>) {}

  info(message: string): void {
    this.channel.info(this.clean(message));
  }

  warn(message: string): void {
    this.channel.warn(this.clean(message));
  }

  error(message: string): void {
    this.channel.error(this.clean(message));
  }

  show(): void {
    this.channel.show(true);
  }

  /** Redacts text bound for anywhere outside Baton: notifications, the webview, error text. */
  clean(text: string): string {
    return redact(text, this.secrets());
  }

  dispose(): void {
    this.channel.dispose();
  }
}
