import { registerOutput, field, objectConfig, batchingField, maxInFlightField, parseBatchPolicy, Message, type Output, type Resources, type Batch } from '../../plugin/index.js';
import { httpClientFields, type HttpClientConfig } from '../_shared/http_client_fields.js';
import { HttpRequester, responseMetadata, type MultipartPartSpec } from '../_shared/http_client_core.js';
import { compileMetadataFilter } from '../_shared/http_metadata.js';
import { inheritResponseSlot, setSyncResponse } from '../_shared/http_sync.js';

interface HttpClientOutputConfig extends HttpClientConfig {
  batch_as_multipart: boolean;
  propagate_response: boolean;
  max_in_flight: number;
  batching: Parameters<typeof parseBatchPolicy>[0];
  multipart: MultipartPartSpec[];
}

registerOutput(
  {
    name: 'http_client',
    summary: 'Sends messages to an HTTP server.',
    description:
      'When the number of retries expires the output will reject the message, the behaviour after this will depend on the pipeline but usually this simply means the send is attempted again until successful whilst applying back pressure. ' +
      'A status in `drop_on` rejects the message at once, without retries.\n\n' +
      'The URL, header and payload values of this output can be dynamically set using function interpolations. By default, the body of the HTTP request is the raw contents of the message payload. ' +
      'A batch is sent as individual requests (in order), or as one multipart request (RFC 1341) when `batch_as_multipart` is true. ' +
      'Requests go through a pool of keep-alive connections (undici).\n\n' +
      '### Propagating Responses\n\n' +
      'With `propagate_response: true` the response of each request is returned to the input as a synchronous response (e.g. the answer of an `http_server` input).',
    categories: ['Network'],
    config: objectConfig([
      ...httpClientFields('POST'),
      field.bool('batch_as_multipart', 'Send message batches as a single request using RFC1341. If disabled messages in batches will be sent as individual requests.').default(false).advanced(),
      field.bool('propagate_response', 'Whether responses from the server should be propagated back to the input.').default(false).advanced(),
      maxInFlightField(64),
      batchingField(),
      field
        .array(
          'multipart',
          'EXPERIMENTAL: Create explicit multipart HTTP requests by specifying an array of parts to add to the request, each part specified consists of content headers and a data field that can be populated dynamically. If this field is populated it will override the default request creation behaviour.',
          field.object('', '', [
            field.interpolated('content_type', 'The content type of the individual message part.').default('').examples('application/bin'),
            field.interpolated('content_disposition', 'The content disposition of the individual message part.').default(''),
            field.interpolated('body', 'The body of the individual message part.').default('').examples('${! this.data.part1 }'),
          ]),
        )
        .default([])
        .advanced(),
    ]),
    examples: [
      {
        title: 'Post JSON documents',
        config: 'output:\n  http_client:\n    url: http://localhost:4195/post\n    verb: POST\n    headers:\n      Content-Type: application/json\n    max_in_flight: 16\n',
      },
    ],
  },
  async (conf: HttpClientOutputConfig, res: Resources): Promise<Output> => {
    const client = new HttpRequester(conf, res, 'http_client output', { multipart: conf.multipart });
    const extract = compileMetadataFilter(conf.extract_headers, 'http_client.extract_headers');
    const propagate = (batch: Batch, index: number, result: { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }): void => {
      if (!conf.propagate_response) return;
      const source = batch[index]!;
      const reply = Message.fromBytes(result.body, new Map(source.metaEntries()));
      responseMetadata(result, extract, reply);
      inheritResponseSlot(source, reply);
      setSyncResponse(reply);
    };
    return {
      maxInFlight: conf.max_in_flight,
      batchPolicy: await parseBatchPolicy(conf.batching, res),
      async connect() {},
      async write(batch) {
        if (conf.batch_as_multipart && batch.length > 1) {
          const result = await client.send(client.build(batch, null));
          propagate(batch, 0, result);
          return;
        }
        // One request per message, in order: a failure rejects the batch (the engine retries it).
        for (let i = 0; i < batch.length; i++) {
          const result = await client.send(client.build(batch, i));
          propagate(batch, i, result);
        }
      },
      close: () => client.close(),
    };
  },
);
