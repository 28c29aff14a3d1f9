import { registerProcessor, field, objectConfig, Message, toError, type Processor, type Resources, type Batch } from '../../plugin/index.js';
import { httpClientFields, type HttpClientConfig } from '../_shared/http_client_fields.js';
import { HttpRequester, HttpRequestError, responseMetadata, type HttpResult } from '../_shared/http_client_core.js';
import { compileMetadataFilter } from '../_shared/http_metadata.js';
import { multipartBoundary, parseMultipart } from '../_shared/http_multipart.js';

interface HttpProcessorConfig extends HttpClientConfig {
  batch_as_multipart: boolean;
  parallel: boolean;
}

registerProcessor(
  {
    name: 'http',
    summary: 'Performs an HTTP request using a message batch as the request body, and replaces the original message parts with the body of the response.',
    description:
      'The `rate_limit` field can be used to specify a rate limit resource to cap the rate of requests across all parallel components service wide.\n\n' +
      'The URL, header and payload values of this processor can be dynamically set using function interpolations. By default, the body of the HTTP request is the raw contents of the message payload; the optional field `payload` (if set) takes precedence. ' +
      'In order to map or encode the payload to a specific request body, and map the response back into the original payload instead of replacing it entirely, you can use the `branch` processor.\n\n' +
      '### Response Codes\n\n' +
      'Any response code between 200 and 299 inclusive indicates a successful response; add more with `successful_on`. A code within `backoff_on` is retried after increasing intervals; a code within `drop_on` is not reattempted and is immediately considered a failed request.\n\n' +
      '### Adding Metadata\n\n' +
      'The resulting message gets a metadata field `http_status_code` (also when the request failed with a response). Use `extract_headers` to copy response headers into metadata.\n\n' +
      '### Error Handling\n\n' +
      'When all retry attempts for a message are exhausted the message continues through the pipeline unchanged and flagged as errored, so it can be dropped or routed with the usual error handling patterns.',
    categories: ['Integration'],
    config: objectConfig([
      ...httpClientFields('POST'),
      field.bool('batch_as_multipart', 'Send message batches as a single request using RFC1341.').default(false).advanced(),
      field.bool('parallel', 'When processing batched messages, whether to send messages of the batch in parallel, otherwise they are sent serially.').default(false),
    ]),
    examples: [
      {
        title: 'Branched Request',
        summary: 'Fetch a document and place it into the original message at `repo.status`.',
        config:
          'pipeline:\n  processors:\n    - branch:\n        request_map: \'root = ""\'\n        processors:\n          - http:\n              url: https://hub.docker.com/v2/repositories/warpstreamlabs/bento\n              verb: GET\n              headers:\n                Content-Type: application/json\n        result_map: \'root.repo.status = this\'\n',
      },
    ],
  },
  (conf: HttpProcessorConfig, res: Resources): Processor => {
    const client = new HttpRequester(conf, res, 'http processor');
    const extract = compileMetadataFilter(conf.extract_headers, 'http.extract_headers');

    /** The response as the new content of `source` (metadata kept, response headers added). */
    const enrich = (source: Message, result: HttpResult): Message => {
      const out = source.copy();
      out.setBytes(result.body);
      responseMetadata(result, extract, out);
      return out;
    };
    const fail = (source: Message, e: unknown): Message => {
      const out = source.copy();
      if (e instanceof HttpRequestError && e.result) out.setMeta('http_status_code', e.result.status);
      out.error = toError(e);
      return out;
    };
    const one = async (batch: Batch, i: number): Promise<Message> => {
      try {
        return enrich(batch[i]!, await client.send(client.build(batch, i)));
      } catch (e) {
        return fail(batch[i]!, e);
      }
    };

    return {
      async processBatch(batch) {
        if (conf.batch_as_multipart && batch.length > 1) {
          let result: HttpResult;
          try {
            result = await client.send(client.build(batch, null));
          } catch (e) {
            return [batch.map((m) => fail(m, e))];
          }
          // A multipart response gives a message per part; otherwise the batch collapses into one.
          let boundary: string | undefined;
          try {
            boundary = multipartBoundary(String(result.headers['content-type'] ?? ''));
          } catch {
            boundary = undefined;
          }
          if (boundary) {
            const parts = parseMultipart(result.body, boundary);
            return [parts.map((p, i) => enrich(batch[Math.min(i, batch.length - 1)]!, { ...result, body: p.body }))];
          }
          return [[enrich(batch[0]!, result)]];
        }
        if (conf.parallel) return [await Promise.all(batch.map((_m, i) => one(batch, i)))];
        const out: Message[] = [];
        for (let i = 0; i < batch.length; i++) out.push(await one(batch, i));
        return [out];
      },
      close: () => client.close(),
    };
  },
);
