import * as vscode from 'vscode';
import { atProviderEndpoint, environmentKey, originOf, providerOrigin } from '../core/keys';
import { BatonError } from '../core/errors';
import { ModelConfig, PROVIDER_NAMES, ProviderName } from '../core/settings/types';
import { OriginConsent } from './originConsent';

/** What a key belongs to: one model entry, or every model of a provider at its own endpoint. */
export type KeyTarget = { model: string } | { provider: ProviderName };

const secretName = (target: KeyTarget) => ('model' in target ? `baton.apiKey.model.${target.model}` : `baton.apiKey.provider.${target.provider}`);
/** Holds only the origin a `BATON_API_KEY_<ID>` variable was first sent to; the key stays in the environment. */
const envBindingName = (variable: string) => `baton.keyOrigin.env.${variable}`;

/**
 * A stored key and the origin it may be sent to. Stored as JSON in one secret, so the two never
 * drift apart. Keys stored before origins were recorded are plain strings: `origin` is then unknown.
 */
interface StoredKey {
  key: string;
  origin?: string;
}

/** The error a request fails with when the user did not let a key go to a new origin. */
export const KEY_NOT_SENT = 'key-not-sent';

/** What the key store needs to know about the settings. */
export interface KeySettings {
  /** Every configured model, to tell which ids share an environment variable. */
  models(): readonly ModelConfig[];
  /** Where `baton.models` comes from now: a workspace can be a cloned repository. */
  modelsScope(): 'workspace' | 'user';
}

/**
 * API keys in SecretStorage (the OS keyring), falling back to environment variables as the CLI
 * does. Each key is bound to the origin (scheme, host, port) it was stored for, and is only ever
 * sent there: when a model's address changes, in any settings scope, the user is asked in a modal
 * that names the new origin before the key goes anywhere. Where the keyring is unavailable, keys
 * live in memory until the window closes, and the user is told so plainly. Remembers every key it
 * has seen, so logs and messages can redact them.
 */
export class KeyStore {
  private readonly memory = new Map<string, string>();
  private readonly seen = new Set<string>();
  private keyringWarned = false;
  private readonly consent: OriginConsent;
  readonly onDidChange: vscode.Event<vscode.SecretStorageChangeEvent>;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly settings: KeySettings,
    private readonly env: Record<string, string | undefined> = process.env,
  ) {
    this.onDidChange = secrets.onDidChange;
    this.consent = new OriginConsent();
    for (const value of Object.entries(env).filter(([name]) => /API_KEY/.test(name)).map(([, value]) => value)) {
      if (value) this.seen.add(value);
    }
  }

  /**
   * The key for a request to `model`: its own, else its provider's (at the provider's own endpoint
   * only), else the environment. Throws a `BatonError` (code {@link KEY_NOT_SENT}) when the key is
   * bound to another origin and the user does not let it go to this one.
   */
  async resolve(model: ModelConfig): Promise<string | undefined> {
    const origin = originOf(model.baseUrl);
    if (!origin) return undefined;
    const target: KeyTarget = { model: model.id };
    const own = await this.readStored(target);
    if (own) {
      const allowed = await this.allow(own.origin, origin, model, `the key stored for "${model.id}"`);
      if (allowed && own.origin !== origin) await this.write(target, { key: own.key, origin });
      return own.key;
    }
    // A provider key is for the provider's public endpoint; that is its binding.
    if (atProviderEndpoint(model)) {
      const shared = await this.readStored({ provider: model.provider });
      if (shared) return shared.key;
    }
    const fromEnv = environmentKey(model, this.env, this.settings.models());
    if (!fromEnv) return undefined;
    this.seen.add(fromEnv.key);
    if (fromEnv.provider) return fromEnv.key;
    const binding = envBindingName(fromEnv.variable);
    const bound = await this.readSecret(binding);
    await this.allow(bound, origin, model, `the key in ${fromEnv.variable}`);
    if (bound !== origin) await this.writeSecret(binding, origin);
    return fromEnv.key;
  }

  /**
   * Returns true when the key may go to `origin` (throws otherwise). A key with no recorded origin
   * (stored by an older Baton, or an environment variable never used) is bound on first use
   * without asking, unless the model's address comes from a workspace's settings.
   */
  private async allow(bound: string | undefined, origin: string, model: ModelConfig, what: string): Promise<boolean> {
    if (bound === origin) return true;
    const scope = this.settings.modelsScope();
    if (bound === undefined && scope === 'user') return true;
    if (await this.consent.ask({ what, model: model.id, from: bound, to: origin, scope })) return true;
    throw new BatonError('auth', `${what} is only sent to ${bound ?? 'the address it was first used with'}, and was not sent to ${origin}. ` +
      'If that address is right, run "Baton: Set API Key" to store a key for it', { model: model.id, code: KEY_NOT_SENT });
  }

  /** The origin a model key is bound to (for the key picker), or undefined. */
  async boundOrigin(target: KeyTarget): Promise<string | undefined> {
    if ('provider' in target) return providerOrigin(target.provider);
    return (await this.readStored(target))?.origin;
  }

  /**
   * Stores a key bound to `origin` (a model's current origin; a provider key is bound to the
   * provider's endpoint). Returns false when it could only be kept in memory for this window.
   */
  async store(target: KeyTarget, key: string, origin?: string): Promise<boolean> {
    this.seen.add(key);
    const bound = 'provider' in target ? providerOrigin(target.provider) : origin;
    this.consent.forget();
    return this.write(target, { key, origin: bound });
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
    return Boolean(await this.readStored(target));
  }

  /**
   * Reads every stored key of these models and of every provider, so redaction knows them before
   * any request: a provider's error can echo another model's key before that model is first used.
   */
  async learnStoredKeys(models: readonly ModelConfig[]): Promise<void> {
    const targets: KeyTarget[] = [...models.map((m) => ({ model: m.id })), ...PROVIDER_NAMES.map((provider) => ({ provider }))];
    await Promise.all(targets.map((target) => this.readStored(target)));
  }

  /** Every key seen this session, for redaction. */
  known(): Iterable<string> {
    return this.seen;
  }

  private async write(target: KeyTarget, stored: StoredKey): Promise<boolean> {
    return this.writeSecret(secretName(target), JSON.stringify(stored));
  }

  private async writeSecret(name: string, value: string): Promise<boolean> {
    try {
      await this.secrets.store(name, value);
      this.memory.delete(name);
      return true;
    } catch (error) {
      this.memory.set(name, value);
      this.warnKeyring(error);
      return false;
    }
  }

  private async readStored(target: KeyTarget): Promise<StoredKey | undefined> {
    const raw = await this.readSecret(secretName(target));
    if (!raw) return undefined;
    const stored = parseStored(raw);
    if (stored.key) this.seen.add(stored.key);
    return stored.key ? stored : undefined;
  }

  private async readSecret(name: string): Promise<string | undefined> {
    let value = this.memory.get(name);
    if (!value) {
      try {
        value = await this.secrets.get(name);
      } catch (error) {
        this.warnKeyring(error);
      }
    }
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

/** A stored value: JSON `{ key, origin }`, or a bare key from before origins were recorded. */
function parseStored(raw: string): StoredKey {
  if (raw.startsWith('{')) {
    try {
      const parsed = JSON.parse(raw) as Partial<StoredKey>;
      if (typeof parsed.key === 'string') return { key: parsed.key, origin: typeof parsed.origin === 'string' ? parsed.origin : undefined };
    } catch {
      // not ours: fall through and treat it as a bare key
    }
  }
  return { key: raw };
}
