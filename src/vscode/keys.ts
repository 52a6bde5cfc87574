import * as vscode from 'vscode';
import { keyFromEnvironment } from '../core/keys';
import { DEFAULT_BASE_URLS } from '../core/settings/defaults';
import type { ModelConfig, ProviderName } from '../core/settings/types';

/** What a key belongs to: one model entry, or every model of a provider at its own endpoint. */
export type KeyTarget = { model: string } | { provider: ProviderName };

const secretName = (target: KeyTarget) => ('model' in target ? `baton.apiKey.model.${target.model}` : `baton.apiKey.provider.${target.provider}`);

/**
 * API keys in SecretStorage (the OS keyring), falling back to environment variables as the CLI
 * does. Where the keyring is unavailable, keys live in memory until the window closes, and the
 * user is told so plainly. Remembers every key it has seen, so logs and messages can redact them.
 */
export class KeyStore {
  private readonly memory = new Map<string, string>();
  private readonly seen = new Set<string>();
  private keyringWarned = false;
  readonly onDidChange: vscode.Event<vscode.SecretStorageChangeEvent>;

  constructor(private readonly secrets: vscode.SecretStorage, private readonly env: Record<string, string | undefined> = process.env) {
    this.onDidChange = secrets.onDidChange;
    for (const value of Object.entries(env).filter(([name]) => /API_KEY/.test(name)).map(([, value]) => value)) {
      if (value) this.seen.add(value);
    }
  }

  /** The model's key: its own, else its provider's (at the provider's own endpoint only), else the environment. */
  async resolve(model: ModelConfig): Promise<string | undefined> {
    const own = await this.read({ model: model.id });
    if (own) return own;
    if (new URL(model.baseUrl).host === new URL(DEFAULT_BASE_URLS[model.provider]).host) {
      const shared = await this.read({ provider: model.provider });
      if (shared) return shared;
    }
    const fromEnv = keyFromEnvironment(model, this.env);
    if (fromEnv) this.seen.add(fromEnv);
    return fromEnv;
  }

  /** Stores a key; returns false when it could only be kept in memory for this window. */
  async store(target: KeyTarget, key: string): Promise<boolean> {
    this.seen.add(key);
    try {
      await this.secrets.store(secretName(target), key);
      this.memory.delete(secretName(target));
      return true;
    } catch (error) {
      this.memory.set(secretName(target), key);
      this.warnKeyring(error);
      return false;
    }
  }

  async clear(target: KeyTarget): Promise<void> {
    this.memory.delete(secretName(target));
    try {
      await this.secrets.delete(secretName(target));
    } catch (error) {
      this.warnKeyring(error);
    }
  }

  async has(target: KeyTarget): Promise<boolean> {
    return Boolean(await this.read(target));
  }

  /** Every key seen this session, for redaction. */
  known(): Iterable<string> {
    return this.seen;
  }

  private async read(target: KeyTarget): Promise<string | undefined> {
    const name = secretName(target);
    let value = this.memory.get(name);
    if (!value) {
      try {
        value = await this.secrets.get(name);
      } catch (error) {
        this.warnKeyring(error);
      }
    }
    if (value) this.seen.add(value);
    return value || undefined;
  }

  private warnKeyring(error: unknown): void {
    if (this.keyringWarned) return;
    this.keyringWarned = true;
    const reason = error instanceof Error ? error.message : String(error);
    void vscode.window.showWarningMessage(
      `Baton cannot reach the OS keyring (${reason}). Your API key is kept in memory and works until this window closes. ` +
      'To keep keys across restarts, install and unlock a keyring (e.g. gnome-keyring), or set BATON_API_KEY_<ID> in the environment.',
    );
  }
}
