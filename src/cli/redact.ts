/**
 * Keeps secrets out of everything neomig prints. The output layer runs every string it writes
 * (human text, logs, JSON) through `redact`, fed with the configured password, so a password that
 * slips into a driver message or an error detail is still never shown.
 */
export const REDACTED = '******';

// scheme://user:password@host -> scheme://user:******@host, whatever the password is.
const URI_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]+):([^\s/@]+)@/gi;

/** `text` with every occurrence of each secret (and of its JSON-escaped form) and URI passwords masked. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text.replace(URI_CREDENTIALS, `$1:${REDACTED}@`);
  for (const secret of variants(secrets)) out = out.split(secret).join(REDACTED);
  return out;
}

/** A copy of a JSON-like value with `redact` applied to every string, keys included. */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  return walk(value, secrets, new WeakSet()) as T;
}

function walk(value: unknown, secrets: readonly string[], seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redact(value, secrets);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => walk(v, secrets, seen));
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return walk((value as { toJSON(): unknown }).toJSON(), secrets, seen);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[redact(k, secrets)] = walk(v, secrets, seen);
  return out;
}

/** The secrets plus their JSON-escaped spellings, longest first so a longer secret is masked whole. */
function variants(secrets: readonly string[]): string[] {
  const all = new Set<string>();
  for (const s of secrets) {
    if (!s) continue;
    all.add(s);
    all.add(JSON.stringify(s).slice(1, -1));
  }
  return [...all].sort((a, b) => b.length - a.length);
}
