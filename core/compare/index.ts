/** The comparison engine: worker-thread pool, pure metrics, and the record the store keeps. */
export { createComparePool, defaultPoolSize, type ComparePoolOptions } from './pool.ts';
export { comparisonRecord, type PutImage } from './record.ts';
export type { CompareOutput, ComparePool, CompareTask, PixelDiffOutput } from './types.ts';
