// The faults the GPU path simulates for tests. They are the GPU part of a job's FaultPlan
// (src/jobs/faults.ts), which the job passes on as it is; they are named here because src/gpu/ does
// not import src/jobs/.
export interface GpuFaults {
  /** The device is lost after this many completed kNN chunks. */
  loseDeviceAfterChunks?: number;
  /** The device is lost after this many completed layout epochs. */
  loseDeviceAfterEpochs?: number;
  /** The device is lost once this many chunks of the graph's smoothing are done, as the next one starts. */
  loseDeviceAfterGraphChunks?: number;
  /** The device is lost after this many Lanczos steps of the spectral init. */
  loseDeviceAfterInitSteps?: number;
  /** Every WGSL program gets a syntax error, to see it become a job error. */
  breakWgsl?: boolean;
}
