/** The public plugin API: everything a component needs, and nothing of the engine's internals. */
export { field, Field, objectConfig } from '../config/spec.js';
export type { FieldSpec, ComponentSpec, ComponentKind, ComponentExample, FieldKind } from '../config/spec.js';
export type { ComponentConfig } from '../config/parse.js';
export {
  registerInput,
  registerOutput,
  registerProcessor,
  registerCache,
  registerRateLimit,
  registerScanner,
  defaultRegistry,
  Registry,
} from './registry.js';
export type { Scanner, ScannerFactory, Constructor } from './registry.js';
export type { Resources } from './resources.js';
export { batchingField, maxInFlightField, parseBatchPolicy } from './batching.js';
export { compileMapping, compileInterpolation, compileCheck, BloblangError } from './bloblang.js';
export type { Mapping, Interpolation } from './bloblang.js';
export { Message, serialiseValue } from '../core/message.js';
export type { Batch } from '../core/message.js';
export type { Input, Output, Processor, Cache, RateLimit, InputBatch, AckFn, BatchPolicy } from '../core/components.js';
export { SluiceError, NotConnectedError, PermanentError, isPermanent, errorMessage, toError } from '../core/errors.js';
export { parseDuration, formatDuration } from '../core/duration.js';
export { Backoff, sleep } from '../core/backoff.js';
export type { Logger } from '../core/logger.js';
export type { Metrics, Counter, Gauge, Timer } from '../core/metrics.js';
export { messageProcessor } from './message_processor.js';
export { addSharedHandler, sharedServerAvailable } from './shared_routes.js';
export type { SharedHandler } from './shared_routes.js';
export { redactSecrets } from '../core/redact.js';
