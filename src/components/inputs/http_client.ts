import {
  registerInput,
  field,
  objectConfig,
  parseDuration,
  sleep,
  errorMessage,
  Message,
  NotConnectedError,
  type ComponentConfig,
  type Input,
  type InputBatch,
  type Resources,
  type Scanner,
} from '../../plugin/index.js';
import { ReplayQueue } from '../_shared/replay_queue.js';
import { httpClientFields, type HttpClientConfig } from '../_shared/http_client_fields.js';
import { HttpRequester, redactUrl, responseMetadata, type HttpResult } from '../_shared/http_client_core.js';
import { compileMetadataFilter } from '../_shared/http_metadata.js';
import { multipartBoundary, parseMultipart } from '../_shared/http_multipart.js';

interface HttpClientInputConfig extends HttpClientConfig {
  drop_empty_bodies: boolean;
  stream: { enabled: boolean; reconnect: boolean; scanner: ComponentConfig };
  auto_replay_nacks: boolean;
}

registerInput(
  {
    name: 'http_client',
    summary: 'Connects to a server and continuously performs requests for a single message.',
    description:
      'The URL and header values of this type can be dynamically set using function interpolations.\n\n' +
      '### Streaming\n\n' +
      'If you enable streaming then the body of the response is consumed as a continuous stream of data, breaking messages out following a chosen scanner. ' +
      'This allows you to consume APIs that provide long lived streamed data feeds. In stream mode `timeout` applies until the response headers arrive; the body may flow indefinitely.\n\n' +
      '### Pagination\n\n' +
      'Interpolation functions within the `url` and `headers` fields can reference the previously consumed message (if there was one), which allows basic pagination.\n\n' +
      '### Metadata\n\n' +
      'Each message gets `http_status_code`, plus the response headers selected by `extract_headers`.',
    categories: ['Network'],
    config: objectConfig([
      ...httpClientFields('GET'),
      field.bool('drop_empty_bodies', 'Whether empty payloads received from the target server should be dropped.').default(true).advanced(),
      field
        .object('stream', 'Allows you to set streaming mode, where requests are kept open and messages are processed line-by-line.', [
          field.bool('enabled', 'Enables streaming mode.').default(false),
          field.bool('reconnect', 'Sets whether to re-establish the connection once it is lost.').default(true),
          field.component('scanner', 'scanner', 'The scanner by which the stream of bytes consumed will be broken out into individual messages.').default({ lines: {} }),
        ])
        .advanced(),
      field
        .bool(
          'auto_replay_nacks',
          'Whether messages that are rejected (nacked) at the output level should be automatically replayed indefinitely, eventually resulting in back pressure if the cause of the rejections is persistent. If set to `false` these messages will instead be deleted.',
        )
        .default(true),
    ]),
    examples: [
      {
        title: 'Basic Pagination',
        config:
          'input:\n  http_client:\n    url: >-\n      https://api.example.com/search?query=allmyfoos${! ("&next_token="+this.meta.next_token.not_null()) | "" }\n    verb: GET\n    rate_limit: foo_searches\n\nrate_limit_resources:\n  - label: foo_searches\n    local:\n      count: 1\n      interval: 30s\n',
      },
    ],
  },
  async (conf: HttpClientInputConfig, res: Resources): Promise<Input> => {
    const client = new HttpRequester(conf, res, 'http_client input');
    const extract = compileMetadataFilter(conf.extract_headers, 'http_client.extract_headers');
    const replay = new ReplayQueue(conf.auto_replay_nacks);
    const scannerFactory = conf.stream.enabled ? await res.buildScanner(conf.stream.scanner) : undefined;
    const retryMs = parseDuration(conf.retry_period);
    // Pagination: requests are interpolated against the last message consumed (an empty one at first).
    let last: Message[] = [Message.fromBytes(Buffer.alloc(0))];
    let scanner: Scanner | undefined;
    let streamMeta: HttpResult | undefined;
    let streamEnded = false;

    const toMessages = (result: HttpResult): Message[] => {
      let boundary: string | undefined;
      try {
        boundary = multipartBoundary(String(result.headers['content-type'] ?? ''));
      } catch {
        boundary = undefined;
      }
      const bodies = boundary ? parseMultipart(result.body, boundary).map((p) => p.body) : [result.body];
      return bodies
        .filter((b) => !(conf.drop_empty_bodies && b.length === 0))
        .map((b) => {
          const m = Message.fromBytes(b);
          responseMetadata(result, extract, m);
          return m;
        });
    };

    const openStream = async (): Promise<void> => {
      const req = client.build(last, 0);
      let r;
      try {
        r = await client.openStream(req);
      } catch (e) {
        throw new Error(`http_client input: cannot open stream ${redactUrl(req.url)}: ${errorMessage(e)}`);
      }
      streamMeta = { status: r.statusCode, headers: r.headers, body: Buffer.alloc(0) };
      scanner = scannerFactory!.create(r.body, { name: redactUrl(req.url) });
    };

    const readStream = async (): Promise<InputBatch | null> => {
      for (;;) {
        const again = replay.shift();
        if (again) return again;
        if (streamEnded) return replay.endOfInput(res);
        if (!scanner) throw new NotConnectedError('http_client input: stream is not open');
        let messages: Message[] | null;
        try {
          messages = await scanner.next();
        } catch (e) {
          await scanner.close().catch(() => {});
          scanner = undefined;
          if (res.signal.aborted) return null;
          throw new NotConnectedError(`http_client input: stream broke: ${errorMessage(e)}`);
        }
        if (messages === null) {
          await scanner.close().catch(() => {});
          scanner = undefined;
          if (!conf.stream.reconnect) {
            streamEnded = true;
            continue;
          }
          if (!(await sleep(retryMs, res.signal))) return null;
          throw new NotConnectedError('http_client input: stream ended; reconnecting');
        }
        if (messages.length === 0) continue;
        for (const m of messages) responseMetadata(streamMeta!, extract, m);
        last = messages;
        return { messages, ack: replay.ackFor(messages) };
      }
    };

    const poll = async (): Promise<InputBatch | null> => {
      for (;;) {
        const again = replay.shift();
        if (again) return again;
        if (res.signal.aborted) return null;
        const result = await client.send(client.build(last, 0));
        const messages = toMessages(result);
        if (messages.length === 0) continue;
        last = messages;
        return { messages, ack: replay.ackFor(messages) };
      }
    };

    return {
      async connect() {
        if (scannerFactory && !scanner && !streamEnded) await openStream();
      },
      read: () => (scannerFactory ? readStream() : poll()),
      async close() {
        await scanner?.close().catch(() => {});
        scanner = undefined;
        await client.close();
      },
    };
  },
);
