// Fault injection for tests: the one way a test makes a job crash, break its shaders, lose its GPU
// device or wait at a known boundary. The product never sets a plan; only the test-hooks module
// (loaded when a page is opened for tests) does, so a race in a test can be replaced by a boundary.
import type { PhaseName } from '../engine/types';
import type { StorageFaultPlan } from './storage-faults';

/** A step boundary: the first one at which progress in `phase` has reached `done`. */
export interface Boundary {
  phase: PhaseName;
  done: number;
}

/** Faults fixed when the job's Worker starts. */
export interface FaultPlan {
  /** WebGPU path: the GPU device is lost after this many kNN chunks. */
  loseDeviceAfterChunks?: number;
  /** WebGPU path: the GPU device is lost after this many layout epochs. */
  loseDeviceAfterEpochs?: number;
  /** WebGPU path: the GPU device is lost after this many chunks of the graph's smoothing. */
  loseDeviceAfterGraphChunks?: number;
  /** WebGPU path: the GPU device is lost after this many Lanczos steps of the spectral init. */
  loseDeviceAfterInitSteps?: number;
  /** WebGPU path: every WGSL module fails to compile. */
  breakWgsl?: boolean;
  /** The run waits at this boundary (after the step, before the next stop check) until released. */
  holdAt?: Boundary;
  /** The Worker's IndexedDB writes fail as this plan says (storage-faults.ts). */
  storageFault?: StorageFaultPlan;
  /** Typed arrays from `from` bytes are stored in parts of `part` bytes (value-parts.ts), so small jobs exercise the parts. */
  valueParts?: { from: number; part: number };
}

/** Faults sent to a running job's Worker. */
export type Fault =
  /** The Worker throws an uncaught error, as a real crash would. */
  | { kind: 'crash' }
  /** A run waiting at its `holdAt` boundary goes on. */
  | { kind: 'release' };
