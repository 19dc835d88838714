// Large texts between the options page and the background, in parts: one extension message
// carries at most 64 MiB, and an export of 10,000 listings with their histories is larger
// (BENCHMARKS.md). A text up to one part goes in the message itself, as before; a longer one is
// offered by id and fetched part by part (export), or put part by part and named by id (import).
// Parts live in this worker's memory only, and are dropped when used or after 10 minutes.
import { failure } from './core.js';

/** Characters per part (overridable for tests through `globalThis.cgPartChars`). */
const partChars = () => Number(globalThis.cgPartChars) || 8 * 1024 * 1024;
const TTL_MS = 10 * 60_000;

const outgoing = new Map(); // id -> {text, at}
const incoming = new Map(); // id -> {parts: [], count, at}

function sweep() {
  const now = Date.now();
  for (const m of [outgoing, incoming]) for (const [id, v] of m) if (now - v.at > TTL_MS) m.delete(id);
}

/** `{text}` when it fits one message, else `{parts: {id, count}}` to fetch with ui-bg-part-get. */
export function offer(text) {
  sweep();
  const size = partChars();
  if (text.length <= size) return { text };
  const id = crypto.randomUUID();
  outgoing.set(id, { text, at: Date.now() });
  return { parts: { id, count: Math.ceil(text.length / size) } };
}

/** The text the page put in parts under `id` (kept until `drop`). */
export function uploaded(id) {
  const u = incoming.get(String(id));
  if (!u || u.parts.length !== u.count || u.parts.some((p) => typeof p !== 'string')) {
    throw failure('the file did not arrive in full; choose it again', { kind: 'request' });
  }
  return u.parts.join('');
}

export function dropUpload(id) {
  incoming.delete(String(id));
}

export const transferHandlers = {
  'ui-bg-part-get'({ id, index }) {
    const o = outgoing.get(String(id));
    const size = partChars();
    if (!o || !Number.isInteger(index) || index < 0 || index * size >= o.text.length) throw failure('no such part', { kind: 'request' });
    const text = o.text.slice(index * size, (index + 1) * size);
    if ((index + 1) * size >= o.text.length) outgoing.delete(String(id));
    return { text };
  },
  'ui-bg-part-put'({ id, index, count, text }) {
    sweep();
    if (typeof id !== 'string' || !Number.isInteger(index) || !Number.isInteger(count) || index < 0 || index >= count || typeof text !== 'string') {
      throw failure('id, index, count and text are required', { kind: 'request' });
    }
    const u = incoming.get(id) ?? { parts: new Array(count).fill(null), count, at: Date.now() };
    u.parts[index] = text;
    u.at = Date.now();
    incoming.set(id, u);
    return {};
  },
};
