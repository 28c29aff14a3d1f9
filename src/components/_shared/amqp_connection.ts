/**
 * Opening AMQP 0.9.1 connections for the `amqp_0_9` input and output: the `urls` list (items may
 * hold several comma-separated URLs, tried in order), TLS (automatic for `amqps://`, or forced by
 * the `tls` object, as Benthos does), and error texts that name the component and the address but
 * never a password.
 */
import amqp from 'amqplib';
import type { Channel, ChannelModel, SocketOptions } from 'amqplib';
import { field, type Field, type Logger } from '../../plugin/index.js';
import { tlsOptions, type TlsConfig } from './tls.js';

export interface AmqpConnectionConfig {
  urls: string[];
  tls?: TlsConfig;
}

export function amqpUrlsField(): Field {
  return field
    .stringList(
      'urls',
      'A list of URLs to connect to. The first URL to successfully establish a connection will be used until the connection is closed. If an item of the list contains commas it will be expanded into multiple URLs.',
    )
    .examples(['amqp://guest:guest@127.0.0.1:5672/'], ['amqp://127.0.0.1:5672/,amqp://127.0.0.2:5672/'], ['amqp://127.0.0.1:5672/', 'amqp://127.0.0.2:5672/'])
    .check((v) => (expandAmqpUrls(v as string[]).length === 0 ? 'must contain at least one URL' : undefined));
}

/** Every URL of the list, with comma-separated items split and blanks dropped. */
export function expandAmqpUrls(urls: string[]): string[] {
  const out: string[] = [];
  for (const item of urls ?? []) {
    for (const part of item.split(',')) {
      const u = part.trim();
      if (u !== '') out.push(u);
    }
  }
  return out;
}

const CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)([^@/\s:]*)(?::([^@/\s]*))?@/gi;

/** Replace the password of every URL in a text with `xxxxx` (the user name stays: it helps debugging). */
export function scrubAmqpUrls(text: string): string {
  return text.replace(CREDENTIALS, (_m, scheme: string, user: string, pass: string | undefined) => (pass === undefined ? `${scheme}${user}@` : `${scheme}${user}:xxxxx@`));
}

export function describeAmqpUrls(urls: string[]): string {
  return scrubAmqpUrls(expandAmqpUrls(urls).join(', '));
}

/** amqp091-go (what Benthos uses) sends heartbeats every 10 s unless told otherwise; so do we, so a dead peer is noticed. */
const DEFAULT_HEARTBEAT_S = 10;
const DIAL_TIMEOUT_MS = 10_000;

/** The URL amqplib should dial: `amqps` when TLS is forced, and a heartbeat unless one is given. */
function dialUrl(raw: string, forceTls: boolean): { url: string; hasUser: boolean } {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error(`invalid AMQP URL "${scrubAmqpUrls(raw)}"`);
  }
  if (u.protocol !== 'amqp:' && u.protocol !== 'amqps:') throw new Error(`invalid AMQP URL "${scrubAmqpUrls(raw)}": the scheme must be amqp or amqps`);
  const hasUser = u.username !== '';
  if (!u.searchParams.has('heartbeat')) u.searchParams.set('heartbeat', String(DEFAULT_HEARTBEAT_S));
  let url = u.toString();
  if (forceTls && u.protocol === 'amqp:') url = `amqps:${url.slice('amqp:'.length)}`;
  return { url, hasUser };
}

export interface OpenedAmqp {
  model: ChannelModel;
  /** The URL that worked, without its password. */
  where: string;
}

/**
 * Connect to the first URL that answers. Throws `<component>: failed to connect to <urls>: <why>`.
 * The model gets an `error` listener (an unhandled one would kill the process); callers watch `close`.
 */
export async function openAmqpConnection(conf: AmqpConnectionConfig, component: string, logger: Logger): Promise<OpenedAmqp> {
  const urls = expandAmqpUrls(conf.urls);
  const tls = tlsOptions(conf.tls);
  const failures: string[] = [];
  for (const raw of urls) {
    try {
      const { url, hasUser } = dialUrl(raw, conf.tls?.enabled === true);
      const socket: SocketOptions = { timeout: DIAL_TIMEOUT_MS, noDelay: true, clientProperties: { connection_name: `sluice ${component}` }, ...(tls ?? {}) };
      // With TLS and no user in the URL, authenticate with the client certificate (EXTERNAL), as Benthos does.
      if (tls && !hasUser) socket.credentials = amqp.credentials.external();
      const model = await amqp.connect(url, socket);
      const where = scrubAmqpUrls(raw);
      model.on('error', (err: Error) => logger.warn(`${component}: connection error from ${where}: ${scrubAmqpUrls(err.message)}`));
      return { model, where };
    } catch (e) {
      failures.push(`${scrubAmqpUrls(raw)}: ${scrubAmqpUrls(e instanceof Error ? e.message || e.constructor.name : String(e))}`);
    }
  }
  const detail = failures.length === 1 ? failures[0]!.slice(failures[0]!.indexOf(': ') + 2) : failures.join('; ');
  throw new Error(`${component}: failed to connect to ${describeAmqpUrls(conf.urls)}: ${detail || 'no URL given'}`);
}

/**
 * Close a channel quietly, waiting (at most timeoutMs) for the broker's CloseOk: after it, every
 * frame sent earlier on the channel (acks) has been processed.
 */
export function closeAmqpChannel(channel: Channel, model: ChannelModel, timeoutMs = 5000): Promise<void> {
  return closeQuietly(() => channel.close(), model, timeoutMs);
}

/** Close the connection quietly: it may already be gone. */
export async function closeAmqp(model: ChannelModel | undefined, timeoutMs = 5000): Promise<void> {
  if (model) await closeQuietly(() => model.close(), model, timeoutMs);
}

/**
 * amqplib's close() waits for the broker's CloseOk and never settles when the socket dies
 * meanwhile, so the connection's own `close` event and a time limit end the wait too.
 */
async function closeQuietly(close: () => Promise<void>, model: ChannelModel, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let onClose: (() => void) | undefined;
  try {
    await Promise.race([
      close().catch(() => {}),
      new Promise<void>((resolve) => {
        onClose = resolve;
        model.once('close', onClose);
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onClose) model.off('close', onClose);
  }
}
