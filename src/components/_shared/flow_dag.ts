/**
 * The execution order of a workflow: tiers of branch names, each tier run concurrently after the
 * previous one. Either checked from an explicit `order` or derived from what each branch reads
 * and writes, with the error texts Benthos gives.
 */
import { targetUnder, type Target } from './flow_targets.js';

/** What a branch reads (request_map) and provides (result_map). */
export interface BranchTargets {
  used: Target[];
  provided: Target[];
}

/** Whether `b` needs something `other` provides. */
function dependsOn(b: BranchTargets, other: BranchTargets): boolean {
  return other.provided.some((p) => b.used.some((w) => targetUnder(w, p)));
}

/** Check an explicit order: no empty tier, no branch twice, every branch present. */
export function verifyOrder(order: string[][], branchNames: Iterable<string>): void {
  const remaining = new Set(branchNames);
  const seen = new Set<string>();
  order.forEach((tier, i) => {
    if (tier.length === 0) throw new Error(`explicit order tier '${i}' was empty`);
    for (const name of tier) {
      if (seen.has(name)) throw new Error(`branch specified in order listed multiple times: ${name}`);
      seen.add(name);
      remaining.delete(name);
    }
  });
  if (remaining.size > 0) throw new Error(`the following branches were missing from order: [${[...remaining].sort().join(' ')}]`);
}

/**
 * Layered topological sort: a branch depends on every other branch whose result_map provides a
 * path its request_map reads. Each tier holds the branches whose dependencies all ran before it.
 */
export function resolveOrder(branches: ReadonlyMap<string, BranchTargets>): string[][] {
  const deps = new Map<string, Set<string>>();
  for (const [id, b] of branches) {
    const mine = new Set<string>();
    for (const [other, o] of branches) {
      if (other !== id && dependsOn(b, o)) mine.add(other);
    }
    deps.set(id, mine);
  }
  const done = new Set<string>();
  const tiers: string[][] = [];
  for (;;) {
    const tier = [...deps.keys()].filter((id) => !done.has(id) && [...deps.get(id)!].every((d) => done.has(d))).sort();
    if (tier.length === 0) break;
    for (const id of tier) done.add(id);
    tiers.push(tier);
  }
  if (done.size < deps.size) {
    const stuck = [...deps.keys()].filter((id) => !done.has(id)).sort();
    throw new Error(`failed to automatically resolve DAG, circular dependencies detected for branches: [${stuck.join(' ')}]`);
  }
  return tiers;
}
