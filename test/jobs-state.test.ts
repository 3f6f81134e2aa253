// The job state owner in Node: its transitions, the ones it refuses, the views it gives and what
// each change asks of the store.
import { describe, expect, it } from 'vitest';
import type { EngineCheckpoint } from '../src/engine/engine';
import type { Matrix, UmapResult } from '../src/engine/types';
import { DATA_MISSING, JobStates, type JobChange, type RunProgress } from '../src/jobs/job-state';
import { newRecord } from '../src/jobs/job-state-record';
import type { JobRecord } from '../src/jobs/job-store';
import { DEFAULT_SETTINGS } from '../src/jobs/settings';

const input = (n = 2000, d = 4): Matrix => ({ data: new Float32Array(n * d), n, d });
const checkpoint = {} as EngineCheckpoint;
const result = (nEpochs = 60): UmapResult =>
  ({ embedding: new Float32Array(4), n: 2, nComponents: 2, params: { nEpochs }, timings: { knn: 0, graph: 0, init: 0, layout: 0 }, log: [] }) as unknown as UmapResult;
const progress = (phase: RunProgress['phase'], done: number, total = 60): RunProgress => ({ phase, done, total, unit: phase === 'layout' ? 'epochs' : 'points', etaS: 3, elapsedS: 2 });

function setup() {
  const states = new JobStates();
  const changes: JobChange[] = [];
  states.subscribe((c) => changes.push(c));
  let k = 0;
  const submit = (opts: { n?: number; priority?: 'high' | 'normal' | 'low'; noCheckpoints?: boolean } = {}) => {
    const m = input(opts.n);
    const rec = newRecord(
      m,
      { nEpochs: 60 },
      { name: 'job', ...(opts.priority ? { priority: opts.priority } : {}) },
      { id: `j${++k}`, order: states.nextOrder(), owner: 'tab', settings: DEFAULT_SETTINGS },
    );
    expect(states.submitted(rec, { immediate: m.n < 1000, input: m, noCheckpoints: opts.noCheckpoints ?? false })).toBe(true);
    return rec.id;
  };
  /** Claim, start and return the run number, as the scheduler does. */
  const start = (id: string) => {
    expect(states.claimed(id, false)).toBe(true);
    expect(states.started(id)).toBe(true);
    return states.peek(id)!.startSeq!;
  };
  const stored = (over: Partial<JobRecord>): JobRecord => ({
    ...newRecord(input(), {}, { name: 'stored' }, { id: 'old', order: 1, owner: 'gone-tab', settings: DEFAULT_SETTINGS }),
    ...over,
  });
  return { states, changes, submit, start, stored };
}

describe('job state: the happy paths', () => {
  it('a submitted job is queued, and its view has exactly the fields the UI and the test hook read', () => {
    const { states, changes, submit } = setup();
    const id = submit();
    const v = states.view(id)!;
    expect(Object.keys(v).sort()).toEqual(
      [
        'checkpoints',
        'createdAt',
        'd',
        'elapsedS',
        'elsewhere',
        'error',
        'etaS',
        'events',
        'hasResult',
        'id',
        'immediate',
        'interrupted',
        'lastCheckpoint',
        'local',
        'n',
        'name',
        'order',
        'params',
        'priority',
        'progress',
        'resumedFrom',
        'startSeq',
        'startedAt',
        'state',
        'storageWarning',
        'stored',
      ].sort(),
    );
    expect(v).toMatchObject({ state: 'queued', local: false, immediate: false, events: 0, startSeq: null, stored: false, hasResult: false, progress: null });
    expect(changes).toEqual([{ id, transition: 'submitted', save: 'record', immediate: false }]);
  });

  it('a small job is immediate and never asks for a store write', () => {
    const { states, changes, submit, start } = setup();
    const id = submit({ n: 500 });
    start(id);
    states.completed(id, result());
    expect(states.view(id)!.immediate).toBe(true);
    expect(changes.every((c) => c.immediate)).toBe(true);
  });

  it('run, report, pause, resume, complete: each step shows in the view, and says what to store', () => {
    const { states, changes, submit, start } = setup();
    const id = submit();
    const run = start(id);
    expect(states.view(id)).toMatchObject({ state: 'running', local: true, startSeq: 1 });
    expect(states.progressed(id, run, progress('knn', 200, 2000))).toBe(true);
    expect(states.checkpointed(id, run, { phase: 'knn', done: 200, total: 2000, unit: 'points' })).toBe(true);
    expect(states.restored(id, null)).toBe(true);
    expect(states.view(id)).toMatchObject({ events: 1, etaS: 3, elapsedS: 2, checkpoints: 1, lastCheckpoint: { done: 200 }, progress: { phase: 'knn', done: 200 } });
    expect(states.paused(id, checkpoint)).toBe(true);
    expect(states.view(id)).toMatchObject({ state: 'paused', local: false, etaS: null });
    expect(states.peek(id)!.checkpoint).toBe(checkpoint);
    expect(states.resumed(id)).toBe(true);
    const again = start(id);
    expect(again).toBe(2);
    // The second run counts its time on top of the first.
    states.progressed(id, again, progress('layout', 10));
    expect(states.view(id)!.elapsedS).toBe(4);
    expect(states.completed(id, result(60))).toBe(true);
    expect(states.view(id)).toMatchObject({ state: 'completed', hasResult: true, local: false, etaS: 0, progress: { phase: 'layout', done: 60, total: 60, unit: 'epochs' } });
    expect(states.peek(id)!.input).toBeNull();
    expect(changes.map((c) => `${c.transition}:${c.save}`)).toEqual([
      'submitted:record',
      'claimed:none',
      'started:record',
      'progressed:none',
      'checkpointed:throttled',
      'restored:none',
      'paused:record',
      'resumed:record',
      'claimed:none',
      'started:record',
      'progressed:none',
      'completed:outcome',
    ]);
  });

  it('cancel, kept: stays as cancelled with its rows for a retry; not kept: gone, and the store is told to delete', () => {
    const { states, changes, submit, start } = setup();
    const kept = submit();
    start(kept);
    expect(states.cancelled(kept, true)).toBe(true);
    expect(states.view(kept)).toMatchObject({ state: 'cancelled', local: false });
    expect(states.peek(kept)!.input).not.toBeNull();
    expect(changes.at(-1)).toMatchObject({ transition: 'cancelled', save: 'outcome' });
    const gone = submit();
    expect(states.cancelled(gone, false)).toBe(true);
    expect(states.view(gone)).toBeNull();
    expect(changes.at(-1)).toMatchObject({ id: gone, transition: 'cancelled', save: 'delete' });
  });

  it('retry forgets the earlier run; without rows in memory or in the store it is refused and says why', () => {
    const { states, submit, start } = setup();
    const id = submit();
    const run = start(id);
    states.progressed(id, run, progress('layout', 30));
    states.failed(id, 'boom');
    expect(states.view(id)).toMatchObject({ state: 'failed', error: 'boom' });
    expect(states.retried(id, 'me')).toBe(true);
    expect(states.view(id)).toMatchObject({ state: 'queued', error: null, progress: null, elapsedS: 0, resumedFrom: null });

    const stored = submit();
    states.datasetStored(stored, 'key');
    start(stored);
    states.failed(stored, 'boom');
    // Its rows are stored, so memory lets go of them; a retry reads them back.
    expect(states.peek(stored)!.input).toBeNull();
    expect(states.retryRefused(stored)).toBe(false);
    expect(states.retried(stored, 'me')).toBe(true);
  });

  it('a retry with neither rows nor a stored dataset is refused', () => {
    const { states, stored } = setup();
    expect(states.found(stored({ state: 'failed', datasetKey: null }))).toBe(true);
    expect(states.retried('old', 'me')).toBe(false);
    expect(states.retryRefused('old')).toBe(true);
    expect(states.view('old')).toMatchObject({ state: 'failed', error: DATA_MISSING });
  });

  it('records from the store: adopted as they are, interrupted (auto-resume queues them), or held by another tab until taken over', () => {
    const { states, stored } = setup();
    states.found(stored({ state: 'running', startedAt: 1, datasetKey: 'k' }));
    expect(states.interrupted('old', 'me', true)).toBe(true);
    expect(states.view('old')).toMatchObject({ state: 'queued', interrupted: true });
    expect(states.peek('old')!.rec.owner).toBe('me');

    const b = new JobStates();
    b.found(stored({ state: 'running', startedAt: 1, datasetKey: 'k' }));
    expect(b.interrupted('old', 'me', false)).toBe(true);
    expect(b.view('old')!.state).toBe('interrupted');

    const c = new JobStates();
    c.found(stored({ state: 'running', startedAt: 1 }));
    expect(c.heldElsewhere('old')).toBe(true);
    expect(c.view('old')!.elsewhere).toBe(true);
    expect(c.resumed('old')).toBe(false);
    expect(c.cancelled('old', false)).toBe(false);
    expect(c.removed('old')).toBe(false);
    expect(c.refreshed('old', stored({ state: 'running', elapsedS: 5 }))).toBe(true);
    expect(c.view('old')!.elapsedS).toBe(5);
    expect(c.takenOver('old', stored({ state: 'paused', elapsedS: 7 }))).toBe(true);
    expect(c.view('old')).toMatchObject({ elsewhere: false, state: 'paused', elapsedS: 7 });
    expect(c.adopted('old', 'me')).toBe(true);
    expect(c.resumed('old')).toBe(true);
  });

  it("a finished job follows what another tab does to it: deleted there, it goes here; retried there, it is that tab's", () => {
    const { states, stored } = setup();
    states.found(stored({ state: 'completed', datasetKey: 'k' }));
    expect(states.vanished('old')).toBe(true);
    expect(states.view('old')).toBeNull();

    states.found(stored({ state: 'failed', error: 'boom', datasetKey: 'k' }));
    expect(states.refreshed('old', stored({ state: 'queued', owner: 'other-tab', datasetKey: 'k' }))).toBe(true);
    expect(states.view('old')).toMatchObject({ state: 'queued', error: null });
    expect(states.heldElsewhere('old')).toBe(true);
    // An unfinished job of this tab's own is current here: another tab's record does not replace it.
    const { states: mine, submit } = setup();
    const id = submit();
    expect(mine.refreshed(id, stored({ id, state: 'failed' }))).toBe(false);
    expect(mine.vanished(id)).toBe(false);
  });

  it('a retry makes the retrying tab the owner', () => {
    const { states, stored } = setup();
    states.found(stored({ state: 'failed', error: 'boom', datasetKey: 'k' }));
    expect(states.retried('old', 'me')).toBe(true);
    expect(states.peek('old')!.rec.owner).toBe('me');
  });

  it('priority and place in line', () => {
    const { states, submit } = setup();
    const a = submit();
    const b = submit();
    const c = submit({ priority: 'high' });
    expect(states.queued().map((f) => f.rec.id)).toEqual([c, a, b]);
    expect(states.moved(b, -1)).toBe(true);
    expect(states.queued().map((f) => f.rec.id)).toEqual([c, b, a]);
    // A reprioritised job goes last within its new priority.
    expect(states.prioritised(c, 'normal')).toBe(true);
    expect(states.queued().map((f) => f.rec.id)).toEqual([b, a, c]);
    // The list is newest first by place in line.
    expect(states.list().map((v) => v.id)).toEqual([c, a, b]);
  });
});

describe('job state: refused transitions change nothing', () => {
  it('a run cannot start unclaimed, twice, or after it ended; a report needs a running job', () => {
    const { states, changes, submit, start } = setup();
    const id = submit();
    expect(states.started(id)).toBe(false);
    expect(states.progressed(id, 1, progress('knn', 1))).toBe(false);
    expect(states.completed(id, result())).toBe(false);
    const run = start(id);
    expect(states.claimed(id, false)).toBe(false);
    expect(states.started(id)).toBe(false);
    expect(states.resumed(id)).toBe(false);
    expect(states.retried(id, 'me')).toBe(false);
    // A running job pauses only with the checkpoint its run stopped at.
    expect(states.paused(id)).toBe(false);
    states.completed(id, result());
    const before = JSON.stringify(states.view(id));
    const count = changes.length;
    expect(states.progressed(id, run, progress('layout', 3))).toBe(false);
    expect(states.checkpointed(id, run, null)).toBe(false);
    expect(states.failed(id, 'late')).toBe(false);
    expect(states.cancelled(id, true)).toBe(false);
    expect(states.paused(id, checkpoint)).toBe(false);
    expect(JSON.stringify(states.view(id))).toBe(before);
    expect(changes.length).toBe(count);
  });

  it('unknown jobs, duplicate ids and immediate pauses are refused', () => {
    const { states, submit, stored } = setup();
    expect(states.datasetStored('nope', 'k')).toBe(false);
    expect(states.removed('nope')).toBe(false);
    const small = submit({ n: 10 });
    expect(states.paused(small)).toBe(false);
    expect(states.found(stored({ id: small }))).toBe(false);
    expect(states.moved(small, 1)).toBe(false);
    const only = submit();
    expect(states.moved(only, -1)).toBe(false);
    expect(states.moved(only, 1)).toBe(false);
  });

  it('a job paused or cancelled while its lock was being taken never starts', () => {
    const { states, submit } = setup();
    const id = submit();
    expect(states.claimed(id, true)).toBe(true);
    expect(states.paused(id)).toBe(true);
    expect(states.view(id)).toMatchObject({ state: 'paused', local: false });
    expect(states.started(id)).toBe(false);
    const other = submit();
    states.claimed(other, false);
    states.cancelled(other, true);
    expect(states.started(other)).toBe(false);
    expect(states.view(other)!.state).toBe('cancelled');
  });

  it("reports of the run a pause stopped still count (they may land after it); an earlier run's never do", () => {
    const { states, changes, submit, start } = setup();
    const id = submit();
    const first = start(id);
    states.progressed(id, first, progress('layout', 9));
    states.paused(id, checkpoint);
    // The event the throttle held back arrives after the stop: it says where the run stopped.
    expect(states.progressed(id, first, progress('layout', 10))).toBe(true);
    expect(changes.at(-1)).toMatchObject({ transition: 'progressed', save: 'record' });
    expect(states.checkpointed(id, first, { phase: 'layout', done: 10, total: 60, unit: 'epochs' })).toBe(true);
    expect(states.view(id)).toMatchObject({ state: 'paused', etaS: null, progress: { done: 10 }, lastCheckpoint: { done: 10 } });
    states.resumed(id);
    expect(states.progressed(id, first, progress('layout', 11))).toBe(false);
    const second = start(id);
    expect(states.progressed(id, first, progress('layout', 12))).toBe(false);
    expect(states.progressed(id, second, progress('layout', 11))).toBe(true);
    expect(states.view(id)!.progress!.done).toBe(11);
  });

  it('retention and removal: only finished jobs expire; removal takes any job of this tab', () => {
    const { states, submit, start } = setup();
    const id = submit();
    start(id);
    expect(states.expired(id)).toBe(false);
    states.failed(id, 'x');
    expect(states.expired(id)).toBe(true);
    expect(states.has(id)).toBe(false);
    const running = submit();
    start(running);
    expect(states.removed(running)).toBe(true);
    expect(states.all().length).toBe(0);
  });
});
