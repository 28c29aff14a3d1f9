/**
 * The `sync_response` object of the `http_server` input, and writing the HTTP response from the
 * messages a request's ResponseSlot collected: one response message is the body; several make a
 * multipart/mixed body (each part with its own headers), as Benthos does.
 */
import type { ServerResponse } from 'node:http';
import { field, compileInterpolation, Message, errorMessage, type Field, type Interpolation, type Logger } from '../../plugin/index.js';
import { compileMetadataFilter, metadataFilterField, type MetadataFilter, type MetadataFilterConfig } from './http_metadata.js';
import { encodeMultipart } from './http_multipart.js';
import type { ResponseSlot } from './http_sync.js';

export interface SyncResponseConfig {
  status: string;
  headers: Record<string, string>;
  metadata_headers: MetadataFilterConfig;
}

export function syncResponseField(): Field {
  return field
    .object('sync_response', 'Customise messages returned via [synchronous responses](/docs/guides/sync_responses).', [
      field
        .interpolated(
          'status',
          'Specify the status code to return with synchronous responses. This is a string value, which allows you to customize it based on resulting payloads and their metadata. ' +
            'It applies when the message was delivered; a status that does not render to a number from 100 to 599 is logged and 200 is used.',
        )
        .default('200')
        .examples('${! json("status") }', '${! metadata("status").string() }'),
      field
        .map(
          'headers',
          'Specify headers to return with synchronous responses. A header whose value renders with a line break or another character HTTP forbids is dropped with an error log.',
          field.interpolated(''),
        )
        .default({ 'Content-Type': 'application/octet-stream' }),
      metadataFilterField('metadata_headers', 'Specify criteria for which metadata values are added to the response as headers.'),
    ])
    .advanced();
}

const EMPTY_BATCH = [Message.fromBytes(Buffer.alloc(0))];

export class SyncReplyWriter {
  private readonly status: Interpolation;
  private readonly headers: Array<[string, Interpolation]>;
  private readonly metaHeaders: MetadataFilter;
  /** The status used when nothing set a response: the configured one when it is static. */
  private readonly bareStatus: number;

  constructor(
    conf: SyncResponseConfig,
    private readonly log: Logger,
  ) {
    this.status = compileInterpolation(conf.status);
    this.headers = Object.entries(conf.headers).map(([k, v]) => [k, compileInterpolation(v)]);
    this.metaHeaders = compileMetadataFilter(conf.metadata_headers, 'sync_response.metadata_headers');
    this.bareStatus = this.status.isStatic ? this.parseStatus(EMPTY_BATCH, 0) : 200;
  }

  /** Answer a delivered request with what its slot collected. */
  write(res: ServerResponse, slot: ResponseSlot): void {
    if (res.headersSent || res.writableEnded) return;
    const batch = slot.responses;
    if (batch.length === 0) {
      res.writeHead(this.bareStatus, { 'content-length': 0 });
      res.end();
      return;
    }
    const status = this.parseStatus(batch, 0);
    if (batch.length === 1) {
      for (const [k, v] of this.headersFor(batch, 0)) this.setHeader(res, k, v);
      const body = batch[0]!.asBytes();
      res.setHeader('content-length', body.byteLength);
      res.writeHead(status);
      res.end(body);
      return;
    }
    const parts = batch.map((m, i) => ({ headers: Object.fromEntries(this.headersFor(batch, i)), body: m.asBytes() }));
    const { body, contentType } = encodeMultipart(parts);
    res.setHeader('content-type', contentType);
    res.setHeader('content-length', body.byteLength);
    res.writeHead(status);
    res.end(body);
  }

  /** The rendered headers of message i that HTTP allows (others are logged and dropped). */
  headersFor(batch: Message[], i: number): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    const add = (k: string, v: string): void => {
      if (/[\r\n\0]/.test(v) || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k)) {
        this.log.error(`sync_response: dropping header "${k}": its name or value has characters HTTP does not allow`);
        return;
      }
      out.push([k, v]);
    };
    if (this.metaHeaders.active) {
      for (const [k, v] of batch[i]!.metaEntries()) if (this.metaHeaders.matches(k)) add(k, typeof v === 'string' ? v : batch[i]!.getMetaString(k)!);
    }
    for (const [k, interp] of this.headers) {
      try {
        add(k, interp.render(batch, i));
      } catch (e) {
        this.log.error(`sync_response: header "${k}" failed to render: ${errorMessage(e)}`);
      }
    }
    return out;
  }

  private setHeader(res: ServerResponse, k: string, v: string): void {
    try {
      res.setHeader(k, v);
    } catch (e) {
      // Node refuses some values our check lets through (e.g. non-latin1): never crash the server.
      this.log.error(`sync_response: dropping header "${k}": ${errorMessage(e)}`);
    }
  }

  private parseStatus(batch: Message[], i: number): number {
    let text: string;
    try {
      text = this.status.render(batch, i);
    } catch (e) {
      this.log.error(`sync_response.status failed to render: ${errorMessage(e)}; answering 200`);
      return 200;
    }
    const n = Number(text.trim());
    if (!Number.isInteger(n) || n < 100 || n > 599) {
      this.log.error(`sync_response.status rendered "${text}", which is not an HTTP status code; answering 200`);
      return 200;
    }
    return n;
  }
}
