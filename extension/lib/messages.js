// Messaging helper for the extension pages (popup, options): one call, one answer.
// Every background answer is `{ok: true, ...}` or `{ok: false, error: {message, details}}`
// (docs/interfaces.md lists the messages); `send` returns the first and throws the second as an Error
// with `.details`.
import { api } from './platform.js';

/** Sends `{type, ...payload}` to the background and returns its `{ok: true, ...}` answer. */
export async function send(type, payload = {}) {
  const res = await api.runtime.sendMessage({ type, ...payload });
  if (!res) throw new Error('no answer from the background');
  if (!res.ok) {
    const err = new Error(res.error?.message || 'failed');
    err.details = res.error?.details ?? null;
    throw err;
  }
  return res;
}
