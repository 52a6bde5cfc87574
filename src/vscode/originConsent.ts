import * as vscode from 'vscode';

/** One question: may this key go to this origin? */
export interface ConsentRequest {
  /** "the key stored for "fast"", "the key in BATON_API_KEY_FAST". */
  what: string;
  model: string;
  /** The origin the key is bound to; undefined when it was never sent anywhere. */
  from?: string;
  to: string;
  /** Which settings the model's address comes from. */
  scope: 'workspace' | 'user';
}

/**
 * Asks, in a modal that names the new origin, whether a key may go somewhere it was not stored
 * for. Concurrent requests for the same key and origin share one dialog. A "no" holds for the
 * rest of the window (every request would ask again otherwise), until a key is stored anew.
 */
export class OriginConsent {
  private readonly pending = new Map<string, Promise<boolean>>();
  private readonly declined = new Set<string>();

  async ask(request: ConsentRequest): Promise<boolean> {
    const id = `${request.what}\n${request.to}`;
    if (this.declined.has(id)) return false;
    let answer = this.pending.get(id);
    if (!answer) {
      answer = this.show(request).finally(() => this.pending.delete(id));
      this.pending.set(id, answer);
    }
    const allowed = await answer;
    if (!allowed) this.declined.add(id);
    return allowed;
  }

  /** Forgets every "no" (a key was stored, so the question may be asked again). */
  forget(): void {
    this.declined.clear();
  }

  private async show({ what, model, from, to, scope }: ConsentRequest): Promise<boolean> {
    const send = `Send Key to ${to}`;
    const where = scope === 'workspace'
      ? "this workspace's settings (.vscode/settings.json), which may have come with the folder you opened"
      : 'your user settings';
    const detail = [
      from ? `It is bound to ${from}.` : 'It has not been sent anywhere yet.',
      `The model "${model}" now points at ${to}, set in ${where}.`,
      'Baton only sends a key to the address it is bound to. If you do not know this address, choose Cancel: nothing will be sent there.',
    ].join(' ');
    const choice = await vscode.window.showWarningMessage(`Send ${what} to ${to}?`, { modal: true, detail }, send);
    return choice === send;
  }
}
