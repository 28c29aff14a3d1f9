/**
 * The partitioners of Benthos's Kafka outputs, computing the same partition for a key as they
 * do, so a Sluice producer can replace a Benthos one without moving keys between partitions.
 *
 * - fnv1a_hash (sarama's NewHashPartitioner): FNV-1a 32-bit of the key, read as int32, modulo
 *   the partition count, negated when negative.
 * - murmur2_hash (sarama with WithAbsFirst, i.e. the Java client's default): Kafka's murmur2 of
 *   the key, `& 0x7fffffff`, modulo the partition count.
 * - random, round_robin: as named. Records without a key go to a random partition under the hash
 *   partitioners (sarama does this too).
 */

export type PartitionerName = 'fnv1a_hash' | 'murmur2_hash' | 'random' | 'round_robin' | 'manual';
export type Partitioner = (topic: string, key: Buffer | null, partitionCount: number) => number;

export function fnv1a32(data: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) {
    h ^= data[i]!;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), as a signed int32. */
export function murmur2(data: Uint8Array): number {
  const m = 0x5bd1e995;
  const len = data.length;
  let h = 0x9747b28c ^ len;
  const whole = len & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  // The tail bytes, as the reference implementation's fall-through switch handles them.
  const tail = len & 3;
  if (tail >= 3) h ^= data[whole + 2]! << 16;
  if (tail >= 2) h ^= data[whole + 1]! << 8;
  if (tail >= 1) {
    h ^= data[whole]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

const random: Partitioner = (_t, _k, n) => Math.floor(Math.random() * n);

export function makePartitioner(name: PartitionerName): Partitioner {
  switch (name) {
    case 'fnv1a_hash':
      return (t, key, n) => {
        if (key === null) return random(t, key, n);
        const p = (fnv1a32(key) | 0) % n;
        return p < 0 ? -p : p;
      };
    case 'murmur2_hash':
      return (t, key, n) => (key === null ? random(t, key, n) : (murmur2(key) & 0x7fffffff) % n);
    case 'round_robin': {
      const next = new Map<string, number>();
      return (t, _k, n) => {
        const i = next.get(t) ?? 0;
        next.set(t, i + 1);
        return i % n;
      };
    }
    case 'random':
    case 'manual':
      // manual: every record carries its partition; this only runs if one does not.
      return random;
  }
}
