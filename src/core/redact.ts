/**
 * The one redactor every text that leaves the process goes through when it may hold secrets:
 * log lines, CLI diagnostics, error answers of HTTP endpoints, driver errors.
 *
 * Two mechanisms, because drivers echo secrets in two ways:
 * - by shape: the password of a `scheme://user:password@host` URL, of a Go-style MySQL DSN
 *   (`user:password@tcp(host)/db`) and of a `password=…` key/value pair is replaced wherever it
 *   appears;
 * - by value: every secret the config holds (fields marked secret, URL and DSN passwords, after
 *   `${ENV}` substitution) is registered when the config is loaded, and any later occurrence of
 *   the value, raw or percent-encoded, is replaced, whatever the text around it (a driver that
 *   prints "password authentication failed for …" with the value, a stack trace, a URL that was
 *   split into parts).
 * Values shorter than MIN_SECRET_CHARS are not registered by value (replacing every "ab" in every
 * log line would make logs unreadable); the shape rules still apply to them.
 */

export const SCRUBBED = '!!!SECRET_SCRUBBED!!!';
export const MIN_SECRET_CHARS = 4;

const known = new Set<string>();
/** Known values, longest first (a secret that contains another is replaced whole). */
let ordered: string[] = [];

export function registerSecret(value: string): void {
  if (value.length < MIN_SECRET_CHARS || value === SCRUBBED || known.has(value)) return;
  known.add(value);
  let encoded: string | undefined;
  try {
    encoded = encodeURIComponent(value);
  } catch {
    encoded = undefined;
  }
  if (encoded && encoded !== value) known.add(encoded);
  ordered = [...known].sort((a, b) => b.length - a.length);
}

/** How many values are registered (tests and diagnostics). */
export function registeredSecretCount(): number {
  return known.size;
}

/** `scheme://authority`: the authority ends at the first `/`, `?`, `#` or whitespace. */
const URL_AUTHORITY = /([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)([^/?#\s"'<>]*)/g;
/** Go MySQL DSN `user:password@tcp(` / `@unix(` / `@/db`, not preceded by `//` (URLs are handled above). */
const GO_DSN = /(^|[\s"'(=,;])([^\s:@/"'(=,;]*):([^\s"']+?)@(?=tcp\(|unix\(|\/)/g;
/** `password=value` in key/value DSNs (libpq, ODBC), quoted or not. */
const KV_PASSWORD = /\b(password|passwd|pwd)(\s*=\s*)('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s;&'"]+)/gi;

/** Another key of a libpq/ODBC connection string next to the password. */
const KV_DSN_HINT = /(^|[\s;])(host|hostaddr|server|user|uid|dbname|database|port|data source)\s*=/i;

/** The passwords `text` holds by shape (URLs, DSNs, key/value pairs). */
export function passwordsIn(text: string): string[] {
  const out: string[] = [];
  if (text.includes('://')) {
    for (const m of text.matchAll(URL_AUTHORITY)) {
      const p = authorityPassword(m[2]!);
      if (p !== undefined) out.push(p, safeDecode(p));
    }
  }
  if (text.includes('@')) for (const m of text.matchAll(GO_DSN)) if (!m[0].includes('//')) out.push(m[3]!);
  // Only in text that looks like a key/value DSN: a mapping such as `root.password = this.pw`
  // must not turn `this.pw` into a registered secret.
  if (/pass|pwd/i.test(text) && KV_DSN_HINT.test(text)) for (const m of text.matchAll(KV_PASSWORD)) out.push(unquote(m[3]!));
  return out.filter((p) => p !== '' && p !== SCRUBBED);
}

/** Everything a text may show with its secrets replaced by !!!SECRET_SCRUBBED!!!. */
export function redactSecrets(text: string): string {
  let out = text;
  if (out.includes('://')) out = out.replace(URL_AUTHORITY, (_m, scheme: string, auth: string) => scheme + scrubAuthority(auth));
  if (out.includes('@')) out = out.replace(GO_DSN, (m, pre: string, user: string, pass: string) => (pass === SCRUBBED ? m : `${pre}${user}:${SCRUBBED}@`));
  if (/pass|pwd/i.test(out)) out = out.replace(KV_PASSWORD, (m, key: string, eq: string, v: string) => (unquote(v) === SCRUBBED ? m : `${key}${eq}${SCRUBBED}`));
  for (const s of ordered) if (out.includes(s)) out = out.split(s).join(SCRUBBED);
  return out;
}

/** The password of `user:password@host` (the last `@` ends the user info, as URL parsers do). */
function authorityPassword(auth: string): string | undefined {
  const at = auth.lastIndexOf('@');
  if (at < 0) return undefined;
  const colon = auth.indexOf(':');
  if (colon < 0 || colon > at) return undefined;
  return auth.slice(colon + 1, at);
}

function scrubAuthority(auth: string): string {
  const p = authorityPassword(auth);
  if (p === undefined || p === '' || p === SCRUBBED) return auth;
  const colon = auth.indexOf(':');
  return `${auth.slice(0, colon + 1)}${SCRUBBED}${auth.slice(auth.lastIndexOf('@'))}`;
}

function unquote(v: string): string {
  return (v.startsWith("'") && v.endsWith("'")) || (v.startsWith('"') && v.endsWith('"')) ? v.slice(1, -1) : v;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

let stderrWrapped = false;

/**
 * Route everything the CLI writes to stderr (logs, diagnostics, "failed to start" errors, Node
 * warnings) through the redactor. stdout is left alone: it may carry message data.
 */
export function redactStderr(): void {
  if (stderrWrapped) return;
  stderrWrapped = true;
  const original = process.stderr.write.bind(process.stderr) as (chunk: unknown, ...rest: unknown[]) => boolean;
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) =>
    original(typeof chunk === 'string' ? redactSecrets(chunk) : chunk instanceof Uint8Array ? redactSecrets(Buffer.from(chunk).toString('utf8')) : chunk, ...rest)) as typeof process.stderr.write;
}
