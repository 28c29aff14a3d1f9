/**
 * The fields Benthos's HTTP client components share (`http_client` input and output, `http`
 * processor), with Benthos's names and defaults, and their parsed shape.
 */
import { field, type Field } from '../../plugin/index.js';
import { metadataFilterField, type MetadataFilterConfig } from './http_metadata.js';
import { tlsField, type TlsConfig } from './tls.js';

export interface HttpClientConfig {
  url: string;
  verb: string;
  headers: Record<string, string>;
  metadata: MetadataFilterConfig;
  dump_request_log_level: string;
  oauth: { enabled: boolean; consumer_key: string; consumer_secret: string; access_token: string; access_token_secret: string };
  oauth2: { enabled: boolean; client_key: string; client_secret: string; token_url: string; scopes: string[]; endpoint_params: Record<string, string[]> };
  basic_auth: { enabled: boolean; username: string; password: string };
  jwt: { enabled: boolean; private_key_file: string; signing_method: string; claims: Record<string, unknown>; headers: Record<string, unknown> };
  tls: TlsConfig;
  extract_headers: MetadataFilterConfig;
  rate_limit?: string;
  timeout: string;
  retry_period: string;
  max_retry_backoff: string;
  retries: number;
  backoff_on: number[];
  drop_on: number[];
  successful_on: number[];
  proxy_url?: string;
  digest_auth: { enabled: boolean; username: string; password: string };
  negotiate: { enabled: boolean };
  transport: {
    dial_context: { timeout: string; keep_alive: string };
    force_http2: boolean;
    max_idle_connections: number;
    idle_connection_timeout: string;
    tls_handshake_timeout: string;
    expect_continue_timeout: string;
  };
  payload?: string;
}

const intList = (name: string, description: string): Field => field.array(name, description, field.int('', ''));

export function httpClientFields(defaultVerb: string): Field[] {
  return [
    field.interpolated('url', 'The URL to connect to.').examples('http://localhost:4195/post'),
    field.string('verb', 'A verb to connect with').default(defaultVerb).examples('POST', 'GET', 'DELETE'),
    field
      .map('headers', 'A map of headers to add to the request.', field.interpolated(''))
      .default({})
      .examples({ 'Content-Type': 'application/octet-stream', traceparent: '${! tracing_span().traceparent }' }),
    metadataFilterField('metadata', 'Specify optional matching rules to determine which metadata keys should be added to the HTTP request as headers.').advanced(),
    field
      .string('dump_request_log_level', 'EXPERIMENTAL: Optionally set a level at which the request and response payload of each request made will be logged.')
      .default('')
      .options('TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL', '')
      .advanced(),
    field
      .object('oauth', 'Allows you to specify open authentication via OAuth version 1 (HMAC-SHA1 signatures).', [
        field.bool('enabled', 'Whether to use OAuth version 1 in requests.').default(false),
        field.string('consumer_key', 'A value used to identify the client to the service provider.').default(''),
        field.string('consumer_secret', 'A secret used to establish ownership of the consumer key.').default('').secret(),
        field.string('access_token', 'A value used to gain access to the protected resources on behalf of the user.').default(''),
        field.string('access_token_secret', 'A secret provided in order to establish ownership of a given access token.').default('').secret(),
      ])
      .advanced(),
    field
      .object('oauth2', 'Allows you to specify open authentication via OAuth version 2 using the client credentials token flow.', [
        field.bool('enabled', 'Whether to use OAuth version 2 in requests.').default(false),
        field.string('client_key', 'A value used to identify the client to the token provider.').default(''),
        field.string('client_secret', 'A secret used to establish ownership of the client key.').default('').secret(),
        field.string('token_url', 'The URL of the token provider.').default(''),
        field.stringList('scopes', 'A list of optional requested permissions.').default([]),
        field
          .map('endpoint_params', 'A list of optional endpoint parameters, values should be arrays of strings.', field.stringList('', ''))
          .default({})
          .examples({ bar: ['woof'], foo: ['meow', 'quack'] }),
      ])
      .advanced(),
    field
      .object('basic_auth', 'Allows you to specify basic authentication.', [
        field.bool('enabled', 'Whether to use basic authentication in requests.').default(false),
        field.string('username', 'A username to authenticate as.').default(''),
        field.string('password', 'A password to authenticate with.').default('').secret(),
      ])
      .advanced(),
    field
      .object('jwt', 'BETA: Allows you to specify JWT authentication. The token is signed once and sent as a bearer token.', [
        field.bool('enabled', 'Whether to use JWT authentication in requests.').default(false),
        field.string('private_key_file', 'A file with the PEM encoded via PKCS1 or PKCS8 as private key.').default(''),
        field.string('signing_method', 'A method used to sign the token such as RS256, RS384, RS512 or EdDSA.').default(''),
        field.any('claims', 'A value used to identify the claims that issued the JWT.').default({}),
        field.any('headers', 'Add optional key/value headers to the JWT.').default({}),
      ])
      .advanced(),
    tlsField(),
    metadataFilterField(
      'extract_headers',
      'Specify which response headers should be added to resulting messages as metadata. Header keys are lowercased before matching, so ensure that your patterns target lowercased versions of the header keys that you expect.',
    ).advanced(),
    field.string('rate_limit', 'An optional rate limit to throttle requests by.').optional(),
    field.duration('timeout', 'A static timeout to apply to requests.').default('5s'),
    field.duration('retry_period', 'The base period to wait between failed requests.').default('1s').advanced(),
    field.duration('max_retry_backoff', 'The maximum period to wait between failed requests.').default('300s').advanced(),
    field.int('retries', 'The maximum number of retry attempts to make.').default(3).advanced(),
    intList('backoff_on', 'A list of status codes whereby the request should be considered to have failed and retries should be attempted, but the period between them should be increased gradually.')
      .default([429])
      .advanced(),
    intList(
      'drop_on',
      'A list of status codes whereby the request should be considered to have failed but retries should not be attempted. This is useful for preventing wasted retries for requests that will never succeed. Note that with these status codes the _request_ is dropped, but _message_ that caused the request will not be dropped.',
    )
      .default([])
      .advanced(),
    intList(
      'successful_on',
      'A list of status codes whereby the attempt should be considered successful, this is useful for dropping requests that return non-2XX codes indicating that the message has been dealt with, such as a 303 See Other or a 409 Conflict. All 2XX codes are considered successful unless they are present within `backoff_on` or `drop_on`, regardless of this field.',
    )
      .default([])
      .advanced(),
    field.string('proxy_url', 'An optional HTTP proxy URL.').optional().advanced(),
    field
      .object('digest_auth', 'Digest authentication configuration (not supported by Sluice: enabling it is a config error).', [
        field.bool('enabled', 'Enable the digest authentication').default(false),
        field.string('username', 'The username of the user.').default(''),
        field.string('password', 'The password of the user.').default('').secret(),
      ])
      .advanced(),
    field
      .object('negotiate', 'Negotiate (SPNEGO) authentication configuration (not supported by Sluice: enabling it is a config error).', [
        field.bool('enabled', 'Enable the spnego authentication.').default(false),
        field.any('api', 'Ignored.').default('pure'),
        field.any('user_only_for_fallback', 'Ignored.').default(false),
        field.any('user', 'Ignored.').default({}),
        field.any('kerberos', 'Ignored.').default({}),
      ])
      .advanced(),
    field
      .object('transport', 'Custom transport options.', [
        field.object('dial_context', 'Settings for the dialer used to create new connections.', [
          field.duration('timeout', 'Timeout for establishing new network connections.').default('30s'),
          field.duration('keep_alive', 'Keep-alive period for active network connections used by the dialer.').default('30s'),
        ]),
        field.bool('force_http2', 'If true, the transport will attempt to use HTTP/2 (Sluice: ignored, HTTP/1.1 is used).').default(true),
        field.int('max_idle_connections', 'Maximum number of pooled connections per origin. Zero = unlimited.').default(100),
        field.duration('idle_connection_timeout', 'Maximum time an idle keep-alive connection remains open before closing itself.').default('90s'),
        field.duration('tls_handshake_timeout', 'Maximum time allowed for TLS handshake to complete.').default('10s'),
        field.duration('expect_continue_timeout', "Time to wait for a server's first response headers after sending request headers when 'Expect: 100-continue' is used (Sluice: ignored).").default('1s'),
      ])
      .advanced(),
    field.interpolated('payload', 'An optional payload to deliver for each request, instead of the message content.').optional().advanced(),
  ];
}
