/**
 * MIME multipart bodies (RFC 2046), in both directions: a multipart request becomes one message
 * per part, and a batch becomes one multipart request or response.
 */
import { randomBytes } from 'node:crypto';

export interface Part {
  /** Header names lower-cased, first value kept. */
  headers: Record<string, string>;
  body: Buffer;
}

export class MultipartError extends Error {}

/** At most this many parts are accepted in one body (a 100,000-part body is refused, not parsed). */
export const MAX_PARTS = 10_000;

/** The boundary of a multipart content type, or undefined when it is not multipart. Throws when the boundary is missing. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const [type, ...params] = contentType.split(';');
  if (!type!.trim().toLowerCase().startsWith('multipart/')) return undefined;
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    if (p.slice(0, eq).trim().toLowerCase() !== 'boundary') continue;
    let v = p.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1);
    if (v.length === 0 || v.length > 70) break;
    return v;
  }
  throw new MultipartError('multipart content type without a valid boundary');
}

/** Split a multipart body into its parts; throws MultipartError on malformed or truncated input. */
export function parseMultipart(body: Buffer, boundary: string): Part[] {
  const delim = Buffer.from(`--${boundary}`);
  const crlfDelim = Buffer.from(`\r\n--${boundary}`);
  // The first delimiter may open the body or follow a preamble line.
  let pos: number;
  if (body.subarray(0, delim.length).equals(delim)) pos = delim.length;
  else {
    const at = body.indexOf(crlfDelim);
    if (at < 0) throw new MultipartError('multipart body has no opening boundary');
    pos = at + crlfDelim.length;
  }
  const parts: Part[] = [];
  for (;;) {
    // After a delimiter: "--" closes the body, otherwise transport padding then CRLF.
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts;
    const lineEnd = body.indexOf('\r\n', pos);
    if (lineEnd < 0) throw new MultipartError('multipart body is truncated after a boundary');
    const start = lineEnd + 2;
    // Searching from the CRLF that ended the boundary line also finds an empty part ("--b\r\n--b").
    const end = body.indexOf(crlfDelim, start - 2);
    if (end < 0) throw new MultipartError('multipart body is truncated: no closing boundary');
    if (parts.length >= MAX_PARTS) throw new MultipartError(`multipart body has more than ${MAX_PARTS} parts`);
    parts.push(parsePart(body.subarray(start, Math.max(start, end))));
    pos = end + crlfDelim.length;
  }
}

function parsePart(raw: Buffer): Part {
  const headers: Record<string, string> = {};
  let bodyStart: number;
  if (raw[0] === 0x0d && raw[1] === 0x0a) bodyStart = 2;
  else {
    const sep = raw.indexOf('\r\n\r\n');
    if (sep < 0) {
      // No blank line after headers: lenient, the whole part is body (Benthos takes bodies as raw bytes).
      return { headers, body: raw };
    }
    for (const line of raw.subarray(0, sep).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      if (!(name in headers)) headers[name] = line.slice(colon + 1).trim();
    }
    bodyStart = sep + 4;
  }
  return { headers, body: raw.subarray(bodyStart) };
}

/** Encode parts as a multipart body with a fresh random boundary. */
export function encodeMultipart(parts: Array<{ headers: Record<string, string>; body: Uint8Array }>, subtype = 'mixed'): { body: Buffer; contentType: string } {
  const boundary = randomBytes(16).toString('hex');
  const chunks: Buffer[] = [];
  for (const p of parts) {
    let head = `--${boundary}\r\n`;
    for (const [k, v] of Object.entries(p.headers)) head += `${k}: ${v.replace(/[\r\n]+/g, ' ')}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`, 'latin1'), Buffer.from(p.body.buffer, p.body.byteOffset, p.body.byteLength), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/${subtype}; boundary=${boundary}` };
}
