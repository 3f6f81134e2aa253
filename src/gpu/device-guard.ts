/// <reference types="@webgpu/types" />
import { WgslCompileError } from './gpu-buffers';

/**
 * Runs each piece of work on the GPU until the device is lost, then on the CPU for good: the piece
 * that failed and everything after it. A result that completed while the device went away is not
 * trusted. The first fallback is announced once (log line, callback) and frees the GPU side.
 */
export class DeviceGuard {
  private lost: string | null = null;
  private announced = false;

  constructor(
    private readonly device: GPUDevice,
    private readonly onFallback: (line: string) => void,
  ) {
    void device.lost.then((info) => {
      this.lost ??= `${info.reason === 'destroyed' ? 'destroyed' : 'lost'}${info.message ? `: ${info.message}` : ''}`;
    });
  }

  /** Whether the GPU is still doing the work. */
  get onGpu(): boolean {
    return this.lost === null;
  }

  async run<T>(what: string, gpuFn: () => Promise<T>, cpuFn: () => Promise<T>): Promise<T> {
    if (this.lost === null) {
      try {
        const r = await gpuFn();
        if (this.lost === null) return r;
      } catch (e) {
        if (e instanceof WgslCompileError) throw e;
        // A lost device rejects pending work; device.lost may settle a moment later (longer under load).
        await Promise.race([this.device.lost, new Promise((r) => setTimeout(r, 2000))]);
        await Promise.resolve();
        if (this.lost === null) throw e;
      }
    }
    if (!this.announced) {
      this.announced = true;
      this.onFallback(`GPU device ${this.lost}; continuing on the CPU from ${what}.`);
    }
    return cpuFn();
  }
}
