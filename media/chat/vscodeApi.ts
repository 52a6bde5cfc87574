import type { WebviewMessage } from '../../src/core/protocol/messages';

/** What the webview keeps across being hidden and shown: the unsent draft. */
export interface ViewState {
  draft: string;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

/** Sends a typed message to the extension host. */
export function post(message: WebviewMessage): void {
  api.postMessage(message);
}

export function loadState(): ViewState {
  const state = api.getState() as Partial<ViewState> | undefined;
  return { draft: typeof state?.draft === 'string' ? state.draft : '' };
}

export function saveState(state: ViewState): void {
  api.setState(state);
}
