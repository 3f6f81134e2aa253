// The job table follows the state owner's transitions into the store (fake-indexeddb in Node): what
// each one writes, in which order, and when a run's lock may go.
import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import type { Matrix, UmapResult } from '../src/engine/types';
import { JobStates } from '../src/jobs/job-state';
import { newRecord } from '../src/jobs/job-state-record';
import { getJob, getResult, listJobs, putDataset, readDataset } from '../src/jobs/job-store';
import { JobTable } from '../src/jobs/job-table';
import { DEFAULT_SETTINGS } from '../src/jobs/settings';
import { armStorageFault } from '../src/jobs/storage-faults';

const input = (n = 2000): Matrix => ({ data: Float32Array.from({ length: n * 2 }, (_, i) => i % 7), n, d: 2 });
let k = 0;

function setup() {
  const states = new JobStates();
  const table = new JobTable(states);
  const submit = (n = 2000) => {
    const m = input(n);
    const rec = newRecord(m, { nEpochs: 5 }, { name: 'job' }, { id: `t${++k}-${Date.now()}`, order: states.nextOrder(), owner: 'tab', settings: DEFAULT_SETTINGS });
    states.submitted(rec, { immediate: n < 1000, input: m, noCheckpoints: false });
    return rec.id;
  };
  const start = (id: string) => {
    states.claimed(id, false);
    states.started(id);
    return states.peek(id)!.startSeq!;
  };
  return { states, table, submit, start };
}

const result = {
  embedding: Float32Array.from([1, 2, 3, 4]),
  n: 2,
  nComponents: 2,
  params: { nEpochs: 5 },
  timings: { knn: 0, graph: 0, init: 0, layout: 0 },
  log: ['done'],
} as unknown as UmapResult;

describe('job table', () => {
  it('the retention sweep also removes datasets no job refers to, and keeps those a job uses', async () => {
    const { table, submit } = setup();
    const rows = Float32Array.from([1, 2, 3, 4]);
    // Left behind as a delete cut off between its two steps would leave it: rows without a reference.
    await putDataset('2x2-orphan', rows, 2, 2);
    const id = submit();
    await table.written(id);
    await putDataset('2x2-used', rows, 2, 2, id);
    await table.sweepRetention(24, 'tab');
    await expect(readDataset('2x2-orphan')).rejects.toThrow();
    expect(Array.from((await readDataset('2x2-used')).data)).toEqual([1, 2, 3, 4]);
  });

  it('writes the record each transition asks for; written(id) settles after the latest', async () => {
    const { states, table, submit, start } = setup();
    const id = submit();
    await table.written(id);
    expect((await getJob(id))?.state).toBe('queued');
    start(id);
    states.completed(id, result);
    await table.written(id);
    // The result is in the store by the time the record says completed.
    expect((await getJob(id))?.state).toBe('completed');
    expect((await getResult(id))?.log).toEqual(['done']);
  });

  it('the stored result names the backend that ran it, for a record exported after a reload', async () => {
    const { states, table, submit, start } = setup();
    const id = submit();
    start(id);
    states.completed(id, { ...result, backend: { backend: 'webgpu', reason: 'test' } } as UmapResult);
    await table.written(id);
    expect((await getResult(id))?.backend).toBe('webgpu');
  });

  it('a refused result write leaves the stored record as the run had it, and the job says its map was not saved', async () => {
    const { states, table, submit, start } = setup();
    const id = submit();
    start(id);
    await table.written(id);
    expect((await getJob(id))?.state).toBe('running');
    armStorageFault({ name: 'QuotaExceededError', keyPrefix: `res:${id}` });
    states.completed(id, result);
    await table.written(id);
    // Not "completed" without its map: a reload resumes the job instead.
    expect((await getJob(id))?.state).toBe('running');
    expect(await getResult(id)).toBeUndefined();
    expect(states.view(id)!.storageWarning).toMatch(/^Browser storage is full \(QuotaExceededError\); its map is complete in this tab but was not saved/);
    expect(table.storageWarning).toContain('QuotaExceededError');
    // A removal still deletes it.
    states.removed(id);
    await table.written(id);
    expect(await getJob(id)).toBeUndefined();
  });

  it('immediate jobs are never stored', async () => {
    const { states, table, submit, start } = setup();
    const id = submit(100);
    start(id);
    states.completed(id, result);
    await table.written(id);
    expect(await getJob(id)).toBeUndefined();
  });

  it('a discarded or removed job is deleted, even with a record write still pending', async () => {
    const { states, table, submit } = setup();
    const a = submit();
    states.cancelled(a, false);
    const b = submit();
    await table.written(b);
    states.prioritised(b, 'high');
    states.removed(b);
    await Promise.all([table.written(a), table.written(b)]);
    expect(await getJob(a)).toBeUndefined();
    expect(await getJob(b)).toBeUndefined();
  });

  it('a completed job removed while its result and record are still being written leaves nothing stored', async () => {
    const { states, table, submit, start } = setup();
    const id = submit();
    start(id);
    await table.written(id);
    // Same turn: the outcome's writes (result, checkpoints, record) are all queued, none has landed.
    states.completed(id, result);
    states.removed(id);
    await table.written(id);
    expect(await getJob(id)).toBeUndefined();
    expect(await getResult(id)).toBeUndefined();
    expect(await listJobs()).not.toContainEqual(expect.objectContaining({ id }));
  });

  it("a queued job's rows are stored while it waits, and the record says so", async () => {
    const { states, table, submit } = setup();
    const id = submit();
    table.storeWhileQueued(id);
    await expect.poll(() => states.view(id)!.stored).toBe(true);
    await table.written(id);
    expect((await getJob(id))?.datasetKey).toMatch(/^2000x2-/);
  });

  it('retention removes failed jobs past it, with their records; others stay', async () => {
    const { states, table, submit, start } = setup();
    const old = submit();
    start(old);
    states.failed(old, 'x');
    await table.written(old);
    const fresh = submit();
    await table.written(fresh);
    // A retention of -1 h puts the cutoff an hour ahead: every finished job is past it.
    await table.sweepRetention(-1, 'tab');
    await table.written(old);
    expect(states.has(old)).toBe(false);
    expect(states.has(fresh)).toBe(true);
    expect((await listJobs()).some((r) => r.id === old)).toBe(false);
  });

  it('retention never removes a completed map: with 0 h, the completed job, its result and data stay; failed and cancelled go', async () => {
    const { states, table, submit, start } = setup();
    const rows = Float32Array.from([1, 2, 3, 4]);
    const stored = async (id: string, key: string) => {
      await putDataset(key, rows, 2, 2, id);
      states.datasetStored(id, key);
      await table.written(id);
    };
    const done = submit();
    start(done);
    await stored(done, '2x2-done');
    states.completed(done, result);
    const failed = submit();
    start(failed);
    await stored(failed, '2x2-failed');
    states.failed(failed, 'x');
    const cancelled = submit();
    start(cancelled);
    await stored(cancelled, '2x2-cancelled');
    states.cancelled(cancelled, true);
    await Promise.all([done, failed, cancelled].map((id) => table.written(id)));
    // A retention of 0 h puts the cutoff at the sweep's "now"; a second later every finished job is past it.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 1000 });
    try {
      await table.sweepRetention(0, 'tab');
    } finally {
      vi.useRealTimers();
    }
    await Promise.all([done, failed, cancelled].map((id) => table.written(id)));
    expect(states.has(done)).toBe(true);
    expect((await getJob(done))?.state).toBe('completed');
    expect(Array.from((await getResult(done))!.embedding)).toEqual([1, 2, 3, 4]);
    expect(Array.from((await readDataset('2x2-done')).data)).toEqual([1, 2, 3, 4]);
    for (const [id, key] of [
      [failed, '2x2-failed'],
      [cancelled, '2x2-cancelled'],
    ] as const) {
      expect(states.has(id)).toBe(false);
      expect(await getJob(id)).toBeUndefined();
      await expect(readDataset(key)).rejects.toThrow('missing');
    }
  });
});
