/**
 * Config pieces shared by the kafka and kafka_franz components: broker lists, the two SASL
 * shapes (kafka's single `sasl` object, kafka_franz's `sasl` list), and the client settings
 * built from them. Errors never show a password.
 */
import { field, type Field, type Resources } from '../../plugin/index.js';
import type { SaslSettings } from './kafka_client.js';
// The tls object is the same for every connector; it lives with the Redis helpers for now.
import { tlsField, tlsOptions, type TlsConfig } from './tls.js';

export { tlsField, tlsOptions, type TlsConfig };

/** Items may hold several comma-separated addresses. */
export function expandAddresses(list: string[], fieldName: string): string[] {
  const out = list.flatMap((a) => a.split(',')).map((a) => a.trim()).filter((a) => a !== '');
  if (out.length === 0) throw new Error(`${fieldName}: at least one broker address is required`);
  return out;
}

const MECHANISMS = ['none', 'PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER', 'AWS_MSK_IAM'];

const oauth2Fields = (): Field[] => [
  field.bool('enabled', 'Whether to use OAuth version 2 in requests.').default(false),
  field.string('client_key', 'A value used to identify the client to the token provider.').default(''),
  field.string('client_secret', 'A secret used to establish ownership of the client key.').default('').secret(),
  field.string('token_url', 'The URL of the token provider.').default(''),
  field.stringList('scopes', 'A list of optional requested permissions.').default([]),
  field.any('endpoint_params', 'A list of optional endpoint parameters, values should be arrays of strings.').optional(),
  field.any('extensions', 'A list of optional endpoint parameters, values should be arrays of strings.').optional(),
];

const awsField = (): Field =>
  field.any('aws', 'Contains AWS specific fields for when the `mechanism` is set to `AWS_MSK_IAM` (not supported by Sluice yet).').optional().advanced();

/** The `kafka` components' `sasl` object. */
export function kafkaSaslField(): Field {
  return field
    .object('sasl', 'Enables SASL authentication.', [
      field
        .string('mechanism', 'The SASL authentication mechanism, if left empty SASL authentication is not used.')
        .default('none')
        .options(...MECHANISMS),
      field.string('user', 'A PLAIN username. It is recommended that you use environment variables to populate this field.').default('').examples('${USER}'),
      field.string('password', 'A PLAIN password. It is recommended that you use environment variables to populate this field.').default('').secret().examples('${PASSWORD}'),
      field.string('access_token', 'A static OAUTHBEARER access token').default('').secret(),
      field.string('token_cache', 'Instead of using a static `access_token` allows you to query a `cache` resource to fetch OAUTHBEARER tokens from').default(''),
      field.string('token_key', 'Required when using a `token_cache`, the key to query the cache with for tokens.').default(''),
      field.object('oauth2', 'Allows you to specify open authentication via OAuth version 2 using the client credentials token flow (not supported by Sluice yet).', oauth2Fields()).advanced(),
      awsField(),
    ])
    .advanced();
}

/** The `kafka_franz` components' `sasl` list. */
export function franzSaslField(): Field {
  return field
    .array(
      'sasl',
      'Specify one or more methods of SASL authentication. SASL is tried in order; if the broker supports the first mechanism, all connections will use that mechanism. Sluice uses the first mechanism that is not `none`.',
      field.object('', '', [
        field.string('mechanism', 'The SASL mechanism to use.').options(...MECHANISMS),
        field.string('username', 'A username to provide for PLAIN or SCRAM-* authentication.').default(''),
        field.string('password', 'A password to provide for PLAIN or SCRAM-* authentication.').default('').secret(),
        field.string('token', "The token to use for a single session's OAUTHBEARER authentication.").default('').secret(),
        field.object('oauth2', 'Allows you to specify open authentication via OAuth version 2 using the client credentials token flow (not supported by Sluice yet).', oauth2Fields()).advanced(),
        field.any('extensions', 'Key/value pairs to add to OAUTHBEARER authentication requests.').optional(),
        awsField(),
      ]),
    )
    .optional()
    .advanced();
}

export interface KafkaSaslConfig {
  mechanism: string;
  user: string;
  password: string;
  access_token: string;
  token_cache: string;
  token_key: string;
  oauth2?: { enabled: boolean };
}

export interface FranzSaslConfig {
  mechanism: string;
  username: string;
  password: string;
  token: string;
  oauth2?: { enabled: boolean };
}

function checkMechanism(component: string, mechanism: string, oauth2: boolean): void {
  if (mechanism === 'AWS_MSK_IAM') throw new Error(`${component}: sasl mechanism AWS_MSK_IAM is not supported by Sluice yet`);
  if (oauth2) throw new Error(`${component}: sasl.oauth2 is not supported by Sluice yet; use a static access token`);
  if (!MECHANISMS.includes(mechanism)) throw new Error(`${component}: unknown sasl mechanism ${JSON.stringify(mechanism)}`);
}

export function kafkaSasl(component: string, conf: KafkaSaslConfig | undefined, res: Resources): SaslSettings | undefined {
  if (!conf || conf.mechanism === 'none' || conf.mechanism === '') return undefined;
  checkMechanism(component, conf.mechanism, conf.oauth2?.enabled === true);
  if (conf.mechanism === 'OAUTHBEARER' && conf.token_cache) {
    if (!conf.token_key) throw new Error(`${component}: sasl.token_key is required with sasl.token_cache`);
    // The token is read from the cache each time a connection authenticates.
    return { mechanism: 'OAUTHBEARER', username: '', password: '', token: '', tokenSource: () => tokenFromCache(res, conf.token_cache, conf.token_key) };
  }
  return { mechanism: conf.mechanism as SaslSettings['mechanism'], username: conf.user, password: conf.password, token: conf.access_token };
}

export function franzSasl(component: string, list: FranzSaslConfig[] | undefined): SaslSettings | undefined {
  const conf = (list ?? []).find((s) => s.mechanism !== 'none');
  if (!conf) return undefined;
  checkMechanism(component, conf.mechanism, conf.oauth2?.enabled === true);
  return { mechanism: conf.mechanism as SaslSettings['mechanism'], username: conf.username, password: conf.password, token: conf.token };
}

async function tokenFromCache(res: Resources, cache: string, key: string): Promise<string> {
  const v = await res.getCache(cache).get(key);
  if (v === undefined) throw new Error(`sasl token key ${JSON.stringify(key)} not found in cache ${cache}`);
  return Buffer.from(v).toString('utf8');
}

const SIZE = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?i?b?)?\s*$/i;
const UNITS: Record<string, number> = { '': 1, b: 1, k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, t: 1e12, tb: 1e12, ki: 1024, kib: 1024, mi: 1024 ** 2, mib: 1024 ** 2, gi: 1024 ** 3, gib: 1024 ** 3, ti: 1024 ** 4, tib: 1024 ** 4 };

/** A byte size as Benthos writes it (go-humanize): `1MB` is 10^6 bytes, `1MiB` 2^20, case-insensitive. */
export function parseByteSize(text: string, fieldName: string): number {
  const m = SIZE.exec(text);
  const unit = UNITS[(m?.[2] ?? '').toLowerCase()];
  if (!m || unit === undefined) throw new Error(`${fieldName}: ${JSON.stringify(text)} is not a byte size (e.g. 1MB, 50MiB)`);
  return Math.floor(Number(m[1]) * unit);
}
