// A parser stuck in a synchronous loop never yields, so no timer on its own thread can stop it. This
// watchdog is a second thread: the case in progress is written to shared memory before it starts, and
// when one runs past the limit the watchdog prints it (with its seed) and ends the process, which
// vitest then reports as a failed test file. Only a real hang trips it: the limit is far above any case.
import { Worker } from 'node:worker_threads';

const WATCHDOG = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const clock = new Float64Array(workerData.clock);
const text = new Uint8Array(workerData.text);
const tick = new Int32Array(new SharedArrayBuffer(4));
for (;;) {
  Atomics.wait(tick, 0, 0, 200);
  const started = clock[0];
  if (started > 0 && Date.now() - started > workerData.limitMs) {
    const len = text.indexOf(0);
    const what = Buffer.from(text.subarray(0, len < 0 ? text.length : len)).toString('utf8');
    const line = 'FUZZ HANG: no result after ' + workerData.limitMs + ' ms in ' + what + '\\n';
    fs.writeSync(2, line);
    if (workerData.report) fs.appendFileSync(workerData.report, JSON.stringify({ hang: what }) + '\\n');
    process.kill(process.pid, 'SIGKILL');
  }
}
`;

export class Watchdog {
  private readonly clock = new Float64Array(new SharedArrayBuffer(8));
  private readonly text = new Uint8Array(new SharedArrayBuffer(4096));
  private readonly worker: Worker;

  constructor(limitMs: number, report?: string) {
    this.worker = new Worker(WATCHDOG, { eval: true, workerData: { clock: this.clock.buffer, text: this.text.buffer, limitMs, report } });
    this.worker.unref();
  }

  /** The case about to run, named so that it can be replayed. */
  begin(what: string): void {
    const bytes = new TextEncoder().encode(what.slice(0, 1000));
    this.text.fill(0);
    this.text.set(bytes.subarray(0, this.text.length - 1));
    this.clock[0] = Date.now();
  }

  end(): void {
    this.clock[0] = 0;
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}
