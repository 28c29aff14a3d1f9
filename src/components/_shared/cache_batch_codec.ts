/**
 * The stored form of a `cached` processor result, byte for byte the versioned layout Benthos
 * uses, so a cache shared with Benthos instances works both ways: a big-endian uint32 format
 * version (1), the number of messages, then for each message its length and its bytes.
 * Only contents are stored; metadata comes from the message being processed.
 */
const VERSION = 1;

export function encodeBatch(contents: Uint8Array[]): Buffer {
  let size = 8;
  for (const c of contents) size += 4 + c.byteLength;
  const out = Buffer.allocUnsafe(size);
  out.writeUInt32BE(VERSION, 0);
  out.writeUInt32BE(contents.length, 4);
  let at = 8;
  for (const c of contents) {
    out.writeUInt32BE(c.byteLength, at);
    at += 4;
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

export function decodeBatch(data: Uint8Array): Buffer[] {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buf.length < 4) throw new Error('failed to extract serialisation format version: message is too small to extract number');
  const version = buf.readUInt32BE(0);
  if (version !== VERSION) throw new Error(`invalid format version: ${version}`);
  if (buf.length < 8) throw new Error('failed to extract batch size: message is too small to extract number');
  const n = buf.readUInt32BE(4);
  const out: Buffer[] = [];
  let at = 8;
  for (let i = 0; i < n; i++) {
    if (buf.length < at + 4) throw new Error(`failed to extract message ${i} size: message is too small to extract number`);
    const len = buf.readUInt32BE(at);
    at += 4;
    if (buf.length < at + len) throw new Error(`failed to extract message ${i} size: input data ended unexpectedly`);
    out.push(buf.subarray(at, at + len));
    at += len;
  }
  return out;
}
