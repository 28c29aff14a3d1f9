import {
  registerProcessor,
  field,
  objectConfig,
  toError,
  SluiceError,
  type Batch,
  type Message,
  type Processor,
  type Resources,
} from '../../plugin/index.js';
import { BranchCore, branchFields, branchResource, type BranchConfig, type BranchResult } from '../_shared/flow_branch.js';
import { resolveOrder, verifyOrder, type BranchTargets } from '../_shared/flow_dag.js';
import { BranchRecord, getAtPath, setAtPath, skipListFrom } from '../_shared/flow_workflow_status.js';

interface WorkflowConfig {
  meta_path: string;
  order: string[][];
  branch_resources: string[];
  branches: Record<string, BranchConfig>;
}

const BRANCH_NAME = /^[a-zA-Z0-9\-_]+$/;

registerProcessor(
  {
    name: 'workflow',
    summary: 'Executes a topology of `branch` processors, performing them in parallel where possible.',
    description:
      'Branches are run in tiers: every branch of a tier runs concurrently on the state the previous tiers left, then their results are mapped back in the order of the tier. ' +
      'The tiers are either given with `order`, or derived from the branches: a branch whose `request_map` reads a field (or metadata key) that another branch\'s ' +
      '`result_map` writes runs after it. A branch is skipped for a message when its `request_map` assigns `deleted()` to the root.\n\n' +
      '## Structured Metadata\n\nWhen `meta_path` is non-empty, an object recording which branches `succeeded`, were `skipped` or `failed` (with the error) is written ' +
      'into each message document at that path. If a message already holds such an object, branches it lists as succeeded or skipped are skipped on this run, ' +
      'and the old object is kept under `<meta_path>.previous`. If `<meta_path>.apply` is a non-empty array, only the branches it lists are run. ' +
      'With `meta_path` empty, a message for which any branch failed is flagged with an error instead.\n\n' +
      '## Resources\n\nBranches can be `branch` processors declared as processor resources: name them in `order`, or list them in `branch_resources` to have them ' +
      'ordered automatically with the inline ones.',
    categories: ['Composition'],
    config: objectConfig([
      field
        .string('meta_path', 'A dot path indicating where to store and reference structured metadata about the workflow execution.')
        .default('meta.workflow'),
      field
        .array(
          'order',
          'An explicit declaration of branch ordered tiers, which describes the order in which parallel tiers of branches should be executed. Branches should be identified by the name as they are configured in the field `branches`. It\'s also possible to specify branch processors configured as a resource.',
          field.stringList(''),
        )
        .default([])
        .examples([['foo', 'bar'], ['baz']], [['foo'], ['bar'], ['baz']]),
      field
        .stringList(
          'branch_resources',
          'An optional list of `branch` processor names that are configured as resources. These resources will be included in the workflow with any branches configured inline within the `branches` field. The order and parallelism in which branches are executed is automatically resolved based on the mappings of each branch. When using resources with an explicit order it is not necessary to list resources in this field.',
        )
        .default([])
        .advanced(),
      field
        .map(
          'branches',
          'An object of named `branch` processors that make up the workflow. The order and parallelism in which branches are executed can either be made explicit with the field `order`, or if omitted an attempt is made to automatically resolve an ordering based on the mappings of each branch.',
          field.object('', 'A branch.', branchFields()),
        )
        .default({}),
    ]),
    examples: [
      {
        title: 'Automatic Ordering',
        summary: 'foo and bar run first, in parallel; baz reads what both wrote, so it runs afterwards.',
        config:
          "pipeline:\n  processors:\n    - workflow:\n        meta_path: meta.workflow\n        branches:\n" +
          "          foo:\n            request_map: 'root = \"\"'\n            processors:\n              - resource: fetch_foo\n            result_map: 'root.foo = this'\n" +
          "          bar:\n            request_map: 'root = this.body'\n            processors:\n              - resource: fetch_bar\n            result_map: 'root.bar = this'\n" +
          "          baz:\n            request_map: |\n              root.fooid = this.foo.id\n              root.barstuff = this.bar.content\n            processors:\n              - resource: store_baz\n",
      },
    ],
  },
  async (conf: WorkflowConfig, res: Resources): Promise<Processor> => {
    const metaPath = conf.meta_path === '' ? [] : conf.meta_path.split('.').map((s) => s.replace(/~1/g, '.').replace(/~0/g, '~'));
    const branches = new Map<string, BranchCore>();
    const owned: BranchCore[] = [];
    for (const [name, bconf] of Object.entries(conf.branches)) {
      if (!BRANCH_NAME.test(name)) throw new SluiceError('E_CONFIG', `workflow branch name '${name}' contains invalid characters`);
      const core = await BranchCore.build(bconf, res);
      branches.set(name, core);
      owned.push(core);
    }
    for (const name of conf.branch_resources) {
      if (branches.has(name)) throw new SluiceError('E_CONFIG', `branch resource name '${name}' collides with an explicit branch`);
      branches.set(name, await branchResource(res, name));
    }
    // Names in `order` that are not inline branches refer to resources.
    for (const tier of conf.order) for (const name of tier) if (!branches.has(name)) branches.set(name, await branchResource(res, name));

    let tiers: string[][];
    if (conf.order.length > 0) {
      verifyOrder(conf.order, branches.keys());
      tiers = conf.order;
    } else {
      const targets = new Map<string, BranchTargets>();
      for (const [name, core] of branches) targets.set(name, core.targets);
      tiers = resolveOrder(targets);
      res.logger.info(`Automatically resolved workflow DAG: [${tiers.map((t) => `[${t.join(' ')}]`).join(' ')}]`);
    }
    const allStages = new Set(branches.keys());

    const runTier = async (tier: string[], msgs: Batch, skips: Set<string>[], records: BranchRecord[]): Promise<void> => {
      // Every branch of the tier maps its requests from the same state, concurrently.
      const outcomes = await Promise.all(
        tier.map(async (id): Promise<BranchResult> => {
          const parts = msgs.map((m, i): Message | null => {
            if (skips[i]!.has(id)) return null;
            const c = m.copy();
            c.error = null;
            return c;
          });
          let r: BranchResult;
          try {
            r = await branches.get(id)!.createResult(parts, msgs);
          } catch (e) {
            r = { results: msgs.map(() => null), mapErrs: [], err: toError(e) };
          }
          r.results.forEach((p, j) => {
            if (!p) records[j]!.skip(id);
          });
          for (const e of r.mapErrs) records[e.index]!.fail(id, e.err.message);
          return r;
        }),
      );
      // Then the results go back into the messages, branch by branch in the tier's order.
      tier.forEach((id, k) => {
        const r = outcomes[k]!;
        let err = r.err;
        let failed: Array<{ index: number; err: Error }> = [];
        if (!err) {
          try {
            failed = branches.get(id)!.overlayResult(msgs, r.results);
          } catch (e) {
            err = toError(e);
          }
        }
        if (err) {
          res.logger.error(`Failed to perform enrichment '${id}': ${err.message}`);
          for (const rec of records) rec.fail(id, err.message);
          return;
        }
        for (const e of failed) records[e.index]!.fail(id, e.err.message);
      });
    };

    return {
      async processBatch(batch) {
        const msgs = batch.slice();
        const skips = msgs.map((m) => {
          try {
            return skipListFrom(m.asStructured(), metaPath, allStages);
          } catch {
            return new Set<string>();
          }
        });
        const records = msgs.map(() => new BranchRecord(tiers));
        for (const tier of tiers) await runTier(tier, msgs, skips, records);

        for (let i = 0; i < msgs.length; i++) {
          const msg = msgs[i]!;
          const record = records[i]!;
          if (metaPath.length === 0) {
            if (record.failed.size > 0) msg.error = new Error(`workflow branches failed: [${[...record.failed.keys()].sort().join(' ')}]`);
            continue;
          }
          let doc: unknown;
          try {
            doc = msg.asStructuredMut();
          } catch (e) {
            res.logger.error(`Failed to parse message for meta update: ${toError(e).message}`);
            msg.error = toError(e);
            continue;
          }
          if (setAtPath(doc, metaPath, record.toObject(getAtPath(doc, metaPath)))) msg.setStructured(doc);
        }
        return [msgs];
      },
      async close() {
        // Resource branches belong to the resource, not to this workflow.
        for (const core of owned) await core.close();
      },
    };
  },
);
