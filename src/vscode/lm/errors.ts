import * as vscode from 'vscode';
import type { LmFailure } from '../../core/lm/failure';

/** What went wrong underneath, as the caller may read it from `cause`: Baton's error kind and its (redacted) message. */
export interface LmCause {
  kind: string;
  message: string;
}

/**
 * A `LanguageModelError` for the caller. The public API builds one only through `NotFound`,
 * `NoPermissions` and `Blocked`; for a failure of the model itself the documented code is
 * `Unknown` with the actual error as `cause`. The editor carries `name`, `message`, `code` and
 * `cause` across to the calling extension and rebuilds a `LanguageModelError` there, so setting
 * `code` and `cause` on the instance is what reaches it.
 */
export function languageModelError(failure: LmFailure, cause?: LmCause): vscode.LanguageModelError {
  if (failure.code === 'NotFound') return vscode.LanguageModelError.NotFound(failure.message);
  const error = new vscode.LanguageModelError(failure.message);
  Object.defineProperty(error, 'code', { value: failure.code, enumerable: true });
  if (cause) {
    const underlying = new Error(cause.message);
    underlying.name = 'BatonError';
    Object.defineProperty(underlying, 'code', { value: cause.kind, enumerable: true });
    Object.defineProperty(error, 'cause', { value: underlying });
  }
  return error;
}
