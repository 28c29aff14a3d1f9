/**
 * NATS headers in both directions: incoming headers become metadata (first value of each key, as
 * Benthos does), and outgoing headers come from the interpolated `headers` map plus the metadata
 * keys that the `metadata` filter (include_prefixes / include_patterns) lets through.
 */
import { RE2JS } from 're2js';
import { headers as newHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { field, compileInterpolation, SluiceError, type Field, type Interpolation, type Message } from '../../plugin/index.js';

export interface MetadataFilterConfig {
  include_prefixes: string[];
  include_patterns: string[];
}

export function natsHeadersField(): Field {
  return field
    .map('headers', 'Explicit message headers to add to messages.', field.interpolated(''))
    .default({})
    .examples({ 'Content-Type': 'application/json', Timestamp: '${!metadata("Timestamp").string()}' });
}

export function metadataFilterField(): Field {
  return field.object('metadata', 'Determine which (if any) metadata values should be added to messages as headers.', [
    field.stringList('include_prefixes', 'Provide a list of explicit metadata key prefixes to match against.').default([]).examples(['foo_', 'bar_'], ['kafka_'], ['content-']),
    field
      .stringList('include_patterns', 'Provide a list of explicit metadata key regular expression (re2) patterns to match against.')
      .default([])
      .examples(['.*'], ['_timestamp_unix$']),
  ]);
}

/** A compiled metadata filter; `matches` is false for every key when nothing is configured. */
export function compileMetadataFilter(conf: MetadataFilterConfig | undefined): { active: boolean; matches(key: string): boolean } {
  const prefixes = conf?.include_prefixes ?? [];
  const patterns = (conf?.include_patterns ?? []).map((p) => {
    try {
      return RE2JS.compile(p);
    } catch (e) {
      throw new SluiceError('E_CONFIG', `metadata.include_patterns: invalid regular expression "${p}": ${(e as Error).message}`);
    }
  });
  return {
    active: prefixes.length > 0 || patterns.length > 0,
    matches: (key) => prefixes.some((p) => key.startsWith(p)) || patterns.some((re) => re.test(key)),
  };
}

/** Builds the outgoing headers of each message of a batch. */
export class HeaderWriter {
  private readonly explicit: Array<[string, Interpolation]>;
  private readonly filter: ReturnType<typeof compileMetadataFilter>;

  constructor(headers: Record<string, string> | undefined, metadata: MetadataFilterConfig | undefined) {
    this.explicit = Object.entries(headers ?? {}).map(([k, v]) => [k, compileInterpolation(v)]);
    this.filter = compileMetadataFilter(metadata);
  }

  /** The headers for message `i`, or undefined when there are none (saves the header block). */
  build(batch: Message[], i: number): MsgHdrs | undefined {
    if (this.explicit.length === 0 && !this.filter.active) return undefined;
    let h: MsgHdrs | undefined;
    const msg = batch[i]!;
    if (this.filter.active) {
      for (const [k, v] of msg.metaEntries()) {
        if (!this.filter.matches(k)) continue;
        h ??= newHeaders();
        setHeader(h, k, typeof v === 'string' ? v : (msg.getMetaString(k) ?? ''));
      }
    }
    for (const [k, interp] of this.explicit) {
      h ??= newHeaders();
      setHeader(h, k, interp.render(batch, i));
    }
    return h;
  }
}

const LINE_BREAKS = /[\r\n]+/g;

/**
 * Header values cannot hold line breaks on the wire (they become spaces), and a key the protocol
 * cannot carry (spaces, colons, control characters) is left out rather than failing the write forever.
 */
function setHeader(h: MsgHdrs, key: string, value: string): void {
  try {
    h.set(key, value.replace(LINE_BREAKS, ' '));
  } catch {
    // invalid header name: skipped
  }
}

/** Copy incoming headers into metadata (first value of each key). */
export function headersToMetadata(h: MsgHdrs | undefined, msg: Message): void {
  if (!h) return;
  for (const k of h.keys()) {
    const v = h.get(k);
    if (v !== '') msg.setMeta(k, v);
  }
}
