/**
 * The dashboard's HTTP client: every request carries the token (entered once, kept in this tab's
 * sessionStorage) as a Bearer header; a 401 asks for a token and tries again.
 */
import { byId } from './dom.js';

const TOKEN_KEY = 'jobproxy.token';

/** An error answer of the server, with its catalogue message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The token of this tab, if one was entered. */
export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Request headers with the token, if any. */
export function authHeaders(extra: Record<string, string> = {}): Record<string, string> {
  const token = storedToken();
  return token ? { ...extra, authorization: `Bearer ${token}` } : extra;
}

let pendingPrompt: Promise<void> | undefined;

/**
 * Shows the token dialog (once, however many requests wait for it) and resolves when a token
 * was entered; rejects when the user declines.
 */
export function askForToken(reason: string): Promise<void> {
  pendingPrompt ??= new Promise<void>((resolve, reject) => {
    const dialog = byId<HTMLDialogElement>('token-dialog');
    const form = byId<HTMLFormElement>('token-form');
    const input = byId<HTMLInputElement>('token-input');
    byId('token-reason').textContent = reason;
    input.value = '';
    const finish = (ok: boolean): void => {
      form.removeEventListener('submit', onSubmit);
      byId('token-cancel').removeEventListener('click', onCancel);
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      pendingPrompt = undefined;
      if (ok) resolve();
      else reject(new ApiError(401, 'no token entered'));
    };
    const onSubmit = (event: Event): void => {
      event.preventDefault();
      const token = input.value.trim();
      if (!token) return;
      sessionStorage.setItem(TOKEN_KEY, token);
      finish(true);
    };
    const onCancel = (): void => finish(false);
    form.addEventListener('submit', onSubmit);
    byId('token-cancel').addEventListener('click', onCancel);
    dialog.addEventListener('cancel', onCancel);
    dialog.showModal();
    input.focus();
  });
  return pendingPrompt;
}

/** Forgets the token (the header's Token button, before entering another). */
export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

async function errorOf(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { message?: string };
    if (body.message) return new ApiError(response.status, body.message);
  } catch {
    // Not our JSON error shape: fall through to the status line.
  }
  return new ApiError(response.status, `${response.status} ${response.statusText}`);
}

/** Sends a request; on 401 asks for a token and repeats it. Throws ApiError on other errors. */
export async function send(method: string, path: string): Promise<Response> {
  for (;;) {
    const response = await fetch(path, {
      method,
      headers: authHeaders({ accept: 'application/json' }),
    });
    if (response.status === 401) {
      const reason = storedToken()
        ? 'The server did not accept the token. Enter another one.'
        : 'The server asks for a token. It is kept for this browser tab only.';
      await askForToken(reason);
      continue;
    }
    if (!response.ok) throw await errorOf(response);
    return response;
  }
}

/** GETs JSON. */
export async function getJson<T>(path: string): Promise<T> {
  return (await (await send('GET', path)).json()) as T;
}
