/**
 * Metadata ↔ HTTP headers: the `include_prefixes` / `include_patterns` filter Benthos uses for
 * `metadata`, `extract_headers` and `sync_response.metadata_headers`, and Go's canonical header
 * spelling (`content-type` → `Content-Type`) so metadata keys match what Benthos produces.
 */
import { RE2JS } from 're2js';
import { field, SluiceError, type Field } from '../../plugin/index.js';

export interface MetadataFilterConfig {
  include_prefixes: string[];
  include_patterns: string[];
}

export interface MetadataFilter {
  /** False when nothing is configured: no key matches. */
  readonly active: boolean;
  matches(key: string): boolean;
}

export function metadataFilterField(name: string, description: string): Field {
  return field.object(name, description, [
    field.stringList('include_prefixes', 'Provide a list of explicit metadata key prefixes to match against.').default([]).examples(['foo_', 'bar_'], ['kafka_'], ['content-']),
    field
      .stringList('include_patterns', 'Provide a list of explicit metadata key regular expression (re2) patterns to match against.')
      .default([])
      .examples(['.*'], ['_timestamp_unix$']),
  ]);
}

export function compileMetadataFilter(conf: MetadataFilterConfig | undefined, where: string): MetadataFilter {
  const prefixes = conf?.include_prefixes ?? [];
  const patterns = (conf?.include_patterns ?? []).map((p) => {
    try {
      return RE2JS.compile(p);
    } catch (e) {
      throw new SluiceError('E_CONFIG', `${where}.include_patterns: invalid regular expression "${p}": ${(e as Error).message}`);
    }
  });
  const active = prefixes.length > 0 || patterns.length > 0;
  return {
    active,
    matches: (key) => active && (prefixes.some((p) => key.startsWith(p)) || patterns.some((re) => re.test(key))),
  };
}

const canonicalCache = new Map<string, string>();

/** Go's textproto.CanonicalMIMEHeaderKey: first letter and letters after '-' upper case, the rest lower. */
export function canonicalHeaderKey(name: string): string {
  let c = canonicalCache.get(name);
  if (c !== undefined) return c;
  // Go leaves keys with characters outside the token set unchanged.
  if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) c = name;
  else {
    let upper = true;
    c = '';
    for (const ch of name) {
      c += upper ? ch.toUpperCase() : ch.toLowerCase();
      upper = ch === '-';
    }
  }
  if (canonicalCache.size < 1000) canonicalCache.set(name, c);
  return c;
}
