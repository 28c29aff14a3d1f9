/**
 * The per-message record a workflow keeps of its branches (succeeded, skipped, failed), the
 * skip list it reads from a previous record, and where both live in the document.
 */

/** Outcome of every branch for one message. Every branch starts as succeeded. */
export class BranchRecord {
  private readonly succeeded = new Set<string>();
  private readonly skipped = new Set<string>();
  readonly failed = new Map<string, string>();

  constructor(tiers: readonly string[][]) {
    for (const tier of tiers) for (const id of tier) this.succeeded.add(id);
  }

  skip(id: string): void {
    this.succeeded.delete(id);
    this.skipped.add(id);
  }

  fail(id: string, why: string): void {
    this.succeeded.delete(id);
    this.skipped.delete(id);
    this.failed.set(id, why);
  }

  /** The meta object; keys in the order Benthos writes them (sorted), empty lists left out. */
  toObject(previous: unknown): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (this.failed.size > 0) out.failed = Object.fromEntries([...this.failed].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    if (previous !== undefined && previous !== null) out.previous = previous;
    if (this.skipped.size > 0) out.skipped = [...this.skipped].sort();
    if (this.succeeded.size > 0) out.succeeded = [...this.succeeded].sort();
    return out;
  }
}

export function getAtPath(doc: unknown, path: readonly string[]): unknown {
  let v = doc;
  for (const key of path) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/**
 * Set a value at a dot path inside an object document, creating missing parents. Returns false
 * (and changes nothing) when the document or a parent on the path is not an object.
 */
export function setAtPath(doc: unknown, path: readonly string[], value: unknown): boolean {
  if (path.length === 0 || !isPlainObject(doc)) return false;
  let cur = doc;
  const made: Array<[Record<string, unknown>, string]> = [];
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    const next = cur[key];
    if (next === undefined || next === null) {
      const fresh: Record<string, unknown> = {};
      made.push([cur, key]);
      cur[key] = fresh;
      cur = fresh;
    } else if (isPlainObject(next)) cur = next;
    else {
      // Undo the parents created so far: the document stays as it was.
      for (const [parent, k] of made) delete parent[k];
      return false;
    }
  }
  cur[path[path.length - 1]!] = value;
  return true;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/**
 * Branches to skip for a message, from the record a previous run left at the meta path: those
 * that succeeded or were skipped before, and, when `apply` lists stages, all others.
 */
export function skipListFrom(doc: unknown, metaPath: readonly string[], allStages: ReadonlySet<string>): Set<string> {
  const skip = new Set<string>();
  if (metaPath.length === 0) return skip;
  const record = getAtPath(doc, metaPath);
  const apply = getAtPath(record, ['apply']);
  if (Array.isArray(apply) && apply.length > 0) {
    for (const s of allStages) skip.add(s);
    for (const id of apply) if (typeof id === 'string') skip.delete(id);
  }
  for (const key of ['succeeded', 'skipped']) {
    const list = getAtPath(record, [key]);
    if (Array.isArray(list)) for (const id of list) if (typeof id === 'string' && allStages.has(id)) skip.add(id);
  }
  return skip;
}
