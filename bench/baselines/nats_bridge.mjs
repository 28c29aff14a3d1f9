// Baseline for `nats-bridge`: the same bridge written by hand with the @nats-io client.
//   core:      subscribe IN, apply the benchmark edit, publish to OUT.
//   jetstream: consume IN with a durable pull consumer (explicit acks), apply the edit, publish to
//              OUT with a PubAck, and ack the input only after the PubAck (what Sluice guarantees).
// Usage: node nats_bridge.mjs core|jetstream <url> <in> <out> [stream durable]
import { connect } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';

const [mode, url, inSubject, outSubject, stream, durable] = process.argv.slice(2);
const nc = await connect({ servers: url });
const enc = new TextEncoder();
const dec = new TextDecoder();

function edit(bytes) {
  const doc = JSON.parse(dec.decode(bytes));
  doc.user.name = doc.user.name.toUpperCase();
  doc.tags = doc.tags.filter((t) => t !== 'spam');
  doc.total = doc.price * doc.qty;
  return enc.encode(JSON.stringify(doc));
}

process.on('SIGTERM', async () => {
  await nc.drain().catch(() => {});
  process.exit(0);
});

if (mode === 'core') {
  const sub = nc.subscribe(inSubject);
  for await (const m of sub) nc.publish(outSubject, edit(m.data));
} else {
  const js = jetstream(nc);
  const consumer = await js.consumers.get(stream, durable);
  const messages = await consumer.consume({ max_messages: 1024 });
  for await (const m of messages) {
    js.publish(outSubject, edit(m.data)).then(
      () => m.ack(),
      () => m.nak(),
    );
  }
}
