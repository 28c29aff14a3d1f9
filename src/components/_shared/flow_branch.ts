/**
 * The branch machinery shared by the `branch` and `workflow` processors: map each message to a
 * request, run child processors on the requests, map the results back onto the originals by
 * index. Error texts follow Benthos.
 */
import {
  field,
  compileMapping,
  errorMessage,
  toError,
  SluiceError,
  type Message,
  type Batch,
  type ComponentConfig,
  type Mapping,
  type Processor,
  type Resources,
} from '../../plugin/index.js';
import { flattenBatches } from './flow_batches.js';
import { mapOnto } from './flow_map_onto.js';
import { assignmentTargets, queryTargets } from './flow_targets.js';
import type { BranchTargets } from './flow_dag.js';

export interface BranchConfig {
  request_map: string;
  processors: ComponentConfig[];
  result_map: string;
}

/** The fields of a branch, shared by `branch` and by each entry of `workflow.branches`. */
export function branchFields() {
  return [
    field
      .bloblang(
        'request_map',
        'A Bloblang mapping that describes how to create a request payload suitable for the child processors of this branch. If left empty then the branch will begin with an exact copy of the origin message (including metadata).',
      )
      .default('')
      .examples('root = {\n\t"id": this.doc.id,\n\t"content": this.doc.body.text\n}', 'root = if this.type == "foo" {\n\tthis.foo.request\n} else {\n\tdeleted()\n}'),
    field.array(
      'processors',
      'A list of processors to apply to mapped requests. When processing message batches the resulting batch must match the size and ordering of the input batch, therefore filtering, grouping should not be performed within these processors.',
      field.processor(''),
    ),
    field
      .bloblang(
        'result_map',
        'A Bloblang mapping that describes how the resulting messages from branched processing should be mapped back into the original payload. If left empty the origin message will remain unchanged (including metadata).',
      )
      .default('')
      .examples('meta foo_code = metadata("code")\nroot.foo_result = this', 'root.raw_result = content().string()'),
  ];
}

/** A per-message failure, reported on the original message at `index`. */
export interface BranchMapError {
  index: number;
  err: Error;
}

export interface BranchResult {
  /** One slot per original message: the result, or null when skipped or failed. */
  results: Array<Message | null>;
  mapErrs: BranchMapError[];
  /** A failure of the whole branch (child processors broke the message count). */
  err?: Error;
}

export class BranchCore {
  readonly targets: BranchTargets;

  private constructor(
    private readonly res: Resources,
    private readonly requestMap: Mapping | undefined,
    private readonly children: Processor[],
    private readonly resultMap: Mapping | undefined,
    requestSrc: string,
    resultSrc: string,
  ) {
    this.targets = {
      used: requestSrc === '' ? [] : queryTargets(requestSrc),
      provided: resultSrc === '' ? [] : assignmentTargets(resultSrc),
    };
  }

  static async build(conf: BranchConfig, res: Resources): Promise<BranchCore> {
    if (conf.processors.length === 0) throw new SluiceError('E_CONFIG', 'the branch processor requires at least one child processor');
    const requestMap = compileOptional(conf.request_map, 'request');
    const resultMap = compileOptional(conf.result_map, 'result');
    const children = await res.buildProcessors(conf.processors);
    return new BranchCore(res, requestMap, children, resultMap, conf.request_map, conf.result_map);
  }

  /**
   * Map requests, run the children and realign their output with the original indexes. `parts`
   * holds error-free copies of the originals, null for messages to skip; `reference` is the
   * original batch the request map reads.
   */
  async createResult(parts: Array<Message | null>, reference: Batch): Promise<BranchResult> {
    const length = parts.length;
    const mapErrs: BranchMapError[] = [];
    const sent: number[] = [];
    const requests: Message[] = [];
    for (let i = 0; i < length; i++) {
      const part = parts[i];
      if (!part) continue;
      if (!this.requestMap) {
        sent.push(i);
        requests.push(part);
        continue;
      }
      let request: Message | null;
      try {
        request = this.requestMap.mapPart(reference, i);
      } catch (e) {
        this.res.logger.debug(`Failed to map request '${i}': ${errorMessage(e)}`);
        mapErrs.push({ index: i, err: new Error(`request mapping failed: ${errorMessage(e)}`) });
        continue;
      }
      // A deleted request skips the branch for this message.
      if (request === null) continue;
      request.error = null;
      sent.push(i);
      requests.push(request);
    }

    const results: Array<Message | null> = new Array(length).fill(null);
    if (requests.length === 0) return { results, mapErrs };

    const out = flattenBatches(await this.res.runProcessors(this.children, requests));
    if (out.length === 0) {
      const err = new Error('child processors resulted in zero messages');
      this.res.logger.error(`Child processors failed: ${err.message}`);
      return { results, mapErrs, err };
    }
    if (out.length !== requests.length) {
      const err = new Error(
        `message count from branch processors does not match request, started with ${requests.length} messages, finished with ${out.length}`,
      );
      this.res.logger.error(
        `Failed to align branch result: ${err.message}. Avoid using filters or archive/unarchive processors within your branch, or anything that increases or reduces the number of messages. These processors should instead be applied before or after the branch processor.`,
      );
      return { results, mapErrs, err };
    }
    for (let k = 0; k < out.length; k++) {
      const index = sent[k]!;
      const result = out[k]!;
      if (result.error) mapErrs.push({ index, err: new Error(`processors failed: ${result.error.message}`) });
      else results[index] = result;
    }
    return { results, mapErrs };
  }

  /**
   * Map results back into `payload` (replacing messages in place). Without a result map the
   * originals are left as they are. Returns the messages whose result map failed.
   */
  overlayResult(payload: Batch, results: Array<Message | null>): BranchMapError[] {
    const failed: BranchMapError[] = [];
    if (!this.resultMap) return failed;
    // The result map may look across the batch (`batch_size()`, `.from(i)`): give it a full one.
    const resultBatch = results.map((r, i) => r ?? payload[i]!);
    for (let i = 0; i < results.length; i++) {
      if (!results[i]) continue;
      try {
        const mapped = mapOnto(this.resultMap, payload[i]!, resultBatch, i);
        // A result map deleting the root leaves the original as it is (as in Benthos).
        if (mapped) payload[i] = mapped;
      } catch (e) {
        this.res.logger.debug(`Failed to map result '${i}': ${errorMessage(e)}`);
        failed.push({ index: i, err: new Error(`result mapping failed: ${errorMessage(e)}`) });
      }
    }
    return failed;
  }

  /** The `branch` processor itself: one batch in, the same batch (enriched) out. */
  async processBatch(batch: Batch): Promise<Batch[]> {
    const out = batch.slice();
    const parts = out.map((m) => {
      const c = m.copy();
      // Errors of the originals are not carried into the branch.
      c.error = null;
      return c;
    });
    const { results, mapErrs, err } = await this.createResult(parts, out);
    if (err) {
      for (const m of out) m.error = err;
      for (const e of mapErrs) out[e.index]!.error = e.err;
      return [out];
    }
    for (const e of mapErrs) {
      out[e.index]!.error = e.err;
      this.res.logger.error(`Branch error: ${e.err.message}`);
    }
    for (const e of this.overlayResult(out, results)) {
      out[e.index]!.error = e.err;
      this.res.logger.error(`Branch error: ${e.err.message}`);
    }
    return [out];
  }

  async close(): Promise<void> {
    for (const c of this.children) await c.close?.();
  }
}

function compileOptional(src: string, which: 'request' | 'result'): Mapping | undefined {
  if (src === '') return undefined;
  try {
    return compileMapping(src);
  } catch (e) {
    throw new SluiceError('E_CONFIG', `failed to parse ${which} mapping: ${errorMessage(e)}`, { cause: toError(e) });
  }
}

// ---- branches declared as processor resources, for `workflow` ----

/**
 * Branch resources of each running stream, keyed by the stream's stop signal (shared by every
 * component of a stream) and the resource label. A workflow cannot reach into the processor a
 * resource lookup returns, so a branch built as a resource registers its core here.
 */
const resourceBranches = new WeakMap<AbortSignal, Map<string, BranchCore>>();

export function registerIfResource(res: Resources, core: BranchCore): void {
  if (res.label === '' || !/(^|\.)processor_resources\.\d+$/.test(res.path)) return;
  let byLabel = resourceBranches.get(res.signal);
  if (!byLabel) resourceBranches.set(res.signal, (byLabel = new Map()));
  byLabel.set(res.label, core);
}

export async function branchResource(res: Resources, name: string): Promise<BranchCore> {
  try {
    await res.getProcessorResource(name);
  } catch {
    throw new SluiceError('E_CONFIG', `processor resource '${name}' was not found`);
  }
  const core = resourceBranches.get(res.signal)?.get(name);
  if (!core) throw new SluiceError('E_CONFIG', `processor resource '${name}' is not a branch processor`);
  return core;
}
