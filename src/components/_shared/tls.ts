/**
 * The `tls` object that every TLS-capable connector declares (Benthos's shape), and turning it into the
 * options Node's `tls.connect` takes. Files are read once, when the component is built.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { field } from '../../plugin/index.js';

export interface TlsConfig {
  enabled: boolean;
  skip_cert_verify: boolean;
  enable_renegotiation: boolean;
  root_cas: string;
  root_cas_file: string;
  client_certs: Array<{ cert: string; key: string; cert_file: string; key_file: string; password: string }>;
}

export function tlsField(): ReturnType<typeof field.object> {
  return field
    .object('tls', 'Custom TLS settings can be used to override system defaults.', [
      field.bool('enabled', 'Whether custom TLS settings are enabled.').default(false),
      field.bool('skip_cert_verify', 'Whether to skip server side certificate verification.').default(false),
      field
        .bool('enable_renegotiation', 'Whether to allow the remote server to repeatedly request renegotiation (Node accepts server renegotiation by default; kept for config compatibility).')
        .default(false),
      field.string('root_cas', 'An optional root certificate authority to use, as PEM text.').default('').secret(),
      field.string('root_cas_file', 'An optional path of a root certificate authority file to use.').default(''),
      field
        .array(
          'client_certs',
          'A list of client certificates to use. For each certificate either the fields `cert` and `key`, or `cert_file` and `key_file` should be specified, but not both.',
          field.object('', '', [
            field.string('cert', 'A plain text certificate to use.').default(''),
            field.string('key', 'A plain text certificate key to use.').default('').secret(),
            field.string('cert_file', 'The path of a certificate to use.').default(''),
            field.string('key_file', 'The path of a certificate key to use.').default(''),
            field.string('password', 'A plain text password for when the private key is password encrypted.').default('').secret(),
          ]),
        )
        .default([]),
    ])
    .advanced();
}

/** Node TLS options from the config, or undefined when TLS is off and `force` is false (rediss://). */
export function tlsOptions(conf: TlsConfig | undefined, force = false): ConnectionOptions | undefined {
  if (!conf?.enabled && !force) return undefined;
  const opts: ConnectionOptions = {};
  if (!conf) return opts;
  if (conf.skip_cert_verify) opts.rejectUnauthorized = false;
  const cas: string[] = [];
  if (conf.root_cas) cas.push(conf.root_cas);
  if (conf.root_cas_file) cas.push(readFileSync(conf.root_cas_file, 'utf8'));
  if (cas.length > 0) opts.ca = cas;
  const certs = conf.client_certs ?? [];
  if (certs.length > 0) {
    const cert: string[] = [];
    const key: Array<{ pem: string; passphrase?: string }> = [];
    for (const [i, c] of certs.entries()) {
      if ((c.cert || c.key) && (c.cert_file || c.key_file)) throw new Error(`tls.client_certs[${i}]: give cert and key, or cert_file and key_file, not both`);
      const certPem = c.cert || (c.cert_file ? readFileSync(c.cert_file, 'utf8') : '');
      const keyPem = c.key || (c.key_file ? readFileSync(c.key_file, 'utf8') : '');
      if (!certPem || !keyPem) throw new Error(`tls.client_certs[${i}]: both a certificate and a key are required`);
      cert.push(certPem);
      key.push(c.password ? { pem: keyPem, passphrase: c.password } : { pem: keyPem });
    }
    opts.cert = cert;
    opts.key = key;
  }
  return opts;
}
