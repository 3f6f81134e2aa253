// The one owner of job state. Every change to a job (its record, what this tab knows of it, the
// rows, checkpoint and result it holds in memory) is a named transition here; the scheduler, the job
// table, the launcher and the recovery code request transitions and read views, never write. A
// transition the job's state does not allow is refused (it returns false and changes nothing), which
// is how late events of a run that has already ended, or a request that lost a race, are dropped.
// Each accepted transition is announced with what it means for the store, so persistence follows
// from the transitions instead of every caller remembering to save.
import type { EngineCheckpoint } from '../engine/engine';
import type { ProgressEvent, UmapResult } from '../engine/types';
import type { TransformCheckpoint } from '../engine/transform';
import type { GraphReuse } from './graph-store';
import type { JobRows, TransformJobResult } from './job-protocol';
import type { JobChange, RunProgress, Save, Transition } from './job-state-change';
import type { JobRecord, JobState, Priority } from './job-store';
import { queuedInOrder } from './job-queue';
import { TERMINAL } from './job-state-record';
import { newSlot, viewOf, type JobFacts, type JobSlot, type JobView } from './job-state-view';

export type { JobChange, RunProgress, Save, Transition } from './job-state-change';

export const DATA_MISSING = 'The data of this job is no longer available; load the file again.';

const live = (s: JobSlot) => !TERMINAL.has(s.rec.state);
const runningHere = (s: JobSlot) => s.rec.state === 'running' && s.local;
/** Finished, and not another tab's: every tab lists it, and any of them may delete or retry it. */
const finishedHere = (s: JobSlot) => !live(s) && !s.local && !s.elsewhere;

export class JobStates {
  private slots = new Map<string, JobSlot>();
  private listeners = new Set<(c: JobChange) => void>();
  private startCounter = 0;
  private orderCounter = Date.now();

  subscribe(fn: (c: JobChange) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  // --- views --------------------------------------------------------------------------------

  has(id: string): boolean {
    return this.slots.has(id);
  }

  peek(id: string): JobFacts | null {
    return this.slots.get(id) ?? null;
  }

  all(): JobFacts[] {
    return [...this.slots.values()];
  }

  /** Every job, newest first. */
  list(): JobView[] {
    return [...this.slots.values()].map(viewOf).sort((a, b) => b.order - a.order);
  }

  view(id: string): JobView | null {
    const s = this.slots.get(id);
    return s ? viewOf(s) : null;
  }

  /** Jobs this tab may start, in the order they should start (one being started is not among them). */
  queued(): JobFacts[] {
    return queuedInOrder(this.slots.values()).filter((s) => !s.local);
  }

  /** Queued jobs' places in line: new jobs and reprioritised ones go last within their priority. */
  nextOrder(): number {
    return ++this.orderCounter;
  }

  // --- jobs arriving: submitted here, or read from the store --------------------------------

  submitted(rec: JobRecord, opts: { immediate: boolean; input: JobRows; noCheckpoints: boolean }): boolean {
    if (this.slots.has(rec.id) || rec.state !== 'queued') return false;
    const s = newSlot(rec, opts.immediate);
    s.input = opts.input;
    s.noCheckpoints = opts.noCheckpoints;
    this.slots.set(rec.id, s);
    return this.emit(s, 'submitted', opts.immediate ? 'none' : 'record');
  }

  /** A record left by an earlier page load or another tab. */
  found(rec: JobRecord): boolean {
    if (this.slots.has(rec.id)) return false;
    const s = newSlot(rec, false);
    this.slots.set(rec.id, s);
    return this.emit(s, 'found', 'none');
  }

  /** This tab takes charge of an unfinished job as it stands (queued, paused or interrupted). */
  adopted(id: string, owner: string): boolean {
    const s = this.take(id, (x) => live(x) && !x.local);
    if (!s) return false;
    s.rec.owner = owner;
    s.elsewhere = false;
    return this.emit(s, 'adopted', 'record');
  }

  /** This tab takes charge of a job found unfinished after its run ended without a word (reload, closed tab). */
  interrupted(id: string, owner: string, autoResume: boolean): boolean {
    const s = this.take(id, (x) => (x.rec.state === 'running' || x.rec.state === 'queued') && !x.local);
    if (!s) return false;
    s.rec.owner = owner;
    s.elsewhere = false;
    s.interrupted = true;
    s.rec.state = autoResume ? 'queued' : 'interrupted';
    return this.emit(s, 'interrupted', 'record');
  }

  /** Another tab has the job (its owner lives, or it holds the job's lock). */
  heldElsewhere(id: string): boolean {
    const s = this.take(id, live);
    if (!s) return false;
    s.local = false;
    s.gpu = false;
    s.elsewhere = true;
    return this.emit(s, 'heldElsewhere', 'none');
  }

  /** The other tab let go of the job: its latest record is now this tab's to act on. */
  takenOver(id: string, rec: JobRecord): boolean {
    const s = this.take(id, (x) => x.elsewhere && rec.id === id);
    if (!s) return false;
    s.rec = rec;
    s.baseElapsedS = rec.elapsedS;
    s.elsewhere = false;
    return this.emit(s, 'takenOver', 'none');
  }

  /** Another tab wrote the record of a job it owns, or of a finished one here (a retry there). */
  refreshed(id: string, rec: JobRecord): boolean {
    const s = this.take(id, (x) => (x.elsewhere || finishedHere(x)) && rec.id === id);
    if (!s) return false;
    s.rec = rec;
    return this.emit(s, 'refreshed', 'none');
  }

  /** Another tab deleted a job it owned, or a finished one (any tab may delete those). */
  vanished(id: string): boolean {
    const s = this.take(id, (x) => x.elsewhere || finishedHere(x));
    if (!s) return false;
    this.slots.delete(id);
    return this.emit(s, 'vanished', 'none');
  }

  // --- a run in this tab ----------------------------------------------------------------------

  /** The scheduler is starting the job (taking its lock); it counts as running from here, so it is never started twice. */
  claimed(id: string, gpu: boolean): boolean {
    const s = this.take(id, (x) => x.rec.state === 'queued' && !x.local && !x.elsewhere);
    if (!s) return false;
    s.local = true;
    s.gpu = gpu;
    return this.emit(s, 'claimed', 'none');
  }

  /** Refused when the job was paused or cancelled while its lock was being taken. */
  started(id: string): boolean {
    const s = this.take(id, (x) => x.rec.state === 'queued' && x.local);
    if (!s) return false;
    s.startSeq = ++this.startCounter;
    s.rec.startedAt ??= Date.now();
    s.rec.error = null;
    s.baseElapsedS = s.rec.elapsedS;
    s.rec.state = 'running';
    return this.emit(s, 'started', 'record');
  }

  /**
   * A report of run `run` (its startSeq). Reports of the run a pause just stopped still count: they
   * travel on their own port and may land after the stop, and they tell where it stopped.
   */
  progressed(id: string, run: number, p: RunProgress): boolean {
    const s = this.take(id, (x) => this.ofRun(x, run));
    if (!s) return false;
    s.events++;
    s.rec.progress = { phase: p.phase, done: p.done, total: p.total, unit: p.unit, ...(p.label ? { label: p.label } : {}) };
    s.etaS = s.rec.state === 'running' ? p.etaS : null;
    s.rec.elapsedS = s.baseElapsedS + p.elapsedS;
    return this.emit(s, 'progressed', s.rec.state === 'running' ? 'none' : 'record');
  }

  /** The run's Worker stored a checkpoint; the record on disk need not follow every one (about once a second is plenty). */
  checkpointed(id: string, run: number, at: ProgressEvent | null): boolean {
    const s = this.take(id, (x) => this.ofRun(x, run));
    if (!s) return false;
    s.checkpoints++;
    s.lastCheckpoint = at;
    return this.emit(s, 'checkpointed', s.rec.state === 'running' ? 'throttled' : 'record');
  }

  /** The run continues from this stored checkpoint (null: from the start). */
  restored(id: string, from: ProgressEvent | null): boolean {
    const s = this.take(id, runningHere);
    if (!s) return false;
    s.resumedFrom = from;
    return this.emit(s, 'restored', 'none');
  }

  /** The job's rows are in the store under this key (written by its Worker, or by the page while it waited). */
  datasetStored(id: string, key: string): boolean {
    const s = this.take(id, () => true);
    if (!s) return false;
    s.rec.datasetKey = key;
    return this.emit(s, 'datasetStored', 'record');
  }

  /** The running fit started from a stored graph (result caching). */
  reused(id: string, run: number, info: GraphReuse): boolean {
    const s = this.take(id, (x) => this.ofRun(x, run));
    if (!s) return false;
    s.rec.reused = info;
    return this.emit(s, 'reused', 'record');
  }

  /**
   * A storage failure of the job. The first one names the cause (later ones follow from it), except a
   * lost store (site data cleared, a newer version in another tab): that is the cause, and the job's
   * runs from then on store nothing.
   */
  storageWarned(id: string, message: string, lost = false): boolean {
    const s = this.take(id, () => true);
    if (!s) return false;
    if (lost) {
      s.storageWarning = message;
      s.noCheckpoints = true;
    } else s.storageWarning ??= message;
    return this.emit(s, 'storageWarned', 'none');
  }

  /**
   * With a checkpoint: the running job stopped at a boundary and will resume from it. Without: a job
   * not running yet (queued, being started, or interrupted) stays where it is until resumed.
   */
  paused(id: string, checkpoint?: EngineCheckpoint | TransformCheckpoint): boolean {
    const s = checkpoint ? this.take(id, runningHere) : this.take(id, (x) => (x.rec.state === 'queued' || x.rec.state === 'interrupted') && !x.elsewhere && !x.immediate);
    if (!s) return false;
    if (checkpoint) {
      s.checkpoint = checkpoint;
      s.stoppedRun = s.startSeq;
      s.etaS = null;
    }
    s.local = false;
    s.gpu = false;
    s.rec.state = 'paused';
    return this.emit(s, 'paused', 'record');
  }

  /** With `owner`, this tab takes charge of it too (a job whose owner tab closed is claimed by a resume). */
  resumed(id: string, owner?: string): boolean {
    const s = this.take(id, (x) => (x.rec.state === 'paused' || x.rec.state === 'interrupted') && !x.elsewhere);
    if (!s) return false;
    if (owner) s.rec.owner = owner;
    s.stoppedRun = null;
    s.rec.state = 'queued';
    return this.emit(s, 'resumed', 'record');
  }

  // --- outcomes -------------------------------------------------------------------------------

  completed(id: string, result: UmapResult | TransformJobResult): boolean {
    const s = this.take(id, runningHere);
    if (!s) return false;
    let epochs: number;
    if ('parent' in result) {
      s.transformResult = result;
      epochs = s.rec.progress?.phase === 'layout' ? s.rec.progress.total : 1;
    } else {
      s.result = result;
      epochs = result.params.nEpochs ?? s.rec.progress?.total ?? 1;
    }
    // A model job's last phase is kNN (its map was given).
    s.rec.progress = s.rec.knnOnly ? { phase: 'knn', done: s.rec.n, total: s.rec.n, unit: 'points' } : { phase: 'layout', done: epochs, total: epochs, unit: 'epochs' };
    s.etaS = 0;
    this.end(s, 'completed');
    return this.emit(s, 'completed', 'outcome');
  }

  failed(id: string, message: string): boolean {
    const s = this.take(id, (x) => live(x) && !x.elsewhere);
    if (!s) return false;
    s.rec.error = message;
    this.end(s, 'failed');
    return this.emit(s, 'failed', 'outcome');
  }

  /** Stopped at once. Kept: it stays as cancelled, with its data, for a retry. Not kept: it is gone, and so is what was stored for it. */
  cancelled(id: string, keep: boolean): boolean {
    const s = this.take(id, (x) => live(x) && !x.elsewhere);
    if (!s) return false;
    this.end(s, 'cancelled');
    if (keep) return this.emit(s, 'cancelled', 'outcome');
    this.slots.delete(id);
    s.input = null;
    s.checkpoint = null;
    s.result = null;
    s.transformResult = null;
    return this.emit(s, 'cancelled', 'delete');
  }

  /** Back in the queue from scratch: the earlier run's outcome and progress are forgotten. Needs its rows (in memory or stored). */
  retried(id: string, owner: string): boolean {
    const s = this.take(id, (x) => (x.rec.state === 'failed' || x.rec.state === 'cancelled') && !x.elsewhere && (!!x.input || !!x.rec.datasetKey));
    if (!s) return false;
    // The retrying tab owns it from now: another tab that lists it shows it as this one's.
    s.rec.owner = owner;
    s.checkpoint = null;
    s.result = null;
    s.transformResult = null;
    s.rec.error = null;
    s.rec.progress = null;
    s.rec.elapsedS = 0;
    s.baseElapsedS = 0;
    s.resumedFrom = null;
    s.rec.state = 'queued';
    return this.emit(s, 'retried', 'record');
  }

  /** A retry that cannot be: the rows are neither in memory nor stored. The job says so. */
  retryRefused(id: string): boolean {
    const s = this.take(id, (x) => (x.rec.state === 'failed' || x.rec.state === 'cancelled') && !x.input && !x.rec.datasetKey);
    if (!s) return false;
    s.rec.error = DATA_MISSING;
    return this.emit(s, 'retryRefused', 'none');
  }

  // --- the queue and the list -----------------------------------------------------------------

  prioritised(id: string, priority: Priority): boolean {
    const s = this.take(id, (x) => !x.elsewhere);
    if (!s) return false;
    s.rec.priority = priority;
    s.rec.order = this.nextOrder();
    return this.emit(s, 'prioritised', 'record');
  }

  /** One place earlier (-1) or later (+1) among the queued jobs of its priority; refused at either end. */
  moved(id: string, dir: -1 | 1): boolean {
    const s = this.take(id, (x) => x.rec.state === 'queued');
    if (!s) return false;
    const peers = queuedInOrder(this.slots.values()).filter((x) => x.rec.priority === s.rec.priority);
    const other = peers[peers.indexOf(s) + dir];
    if (!other) return false;
    [s.rec.order, other.rec.order] = [other.rec.order, s.rec.order];
    this.emit(other, 'moved', 'record');
    return this.emit(s, 'moved', 'record');
  }

  /** Deleted by the user (stopped first if it runs here). Another tab's job is that tab's to delete. */
  removed(id: string): boolean {
    const s = this.take(id, (x) => !x.elsewhere);
    if (!s) return false;
    this.slots.delete(id);
    s.local = false;
    return this.emit(s, 'removed', 'delete');
  }

  /** A failed or kept-cancelled job past the retention period goes, with what was stored for it. */
  expired(id: string): boolean {
    const s = this.take(id, (x) => (x.rec.state === 'failed' || x.rec.state === 'cancelled') && !x.elsewhere);
    if (!s) return false;
    this.slots.delete(id);
    return this.emit(s, 'expired', 'delete');
  }

  // --- internals ------------------------------------------------------------------------------

  private take(id: string, allowed: (s: JobSlot) => boolean): JobSlot | null {
    const s = this.slots.get(id);
    return s && allowed(s) ? s : null;
  }

  private ofRun(s: JobSlot, run: number): boolean {
    return s.startSeq === run && (s.rec.state === 'running' ? s.local : s.rec.state === 'paused' && s.stoppedRun === run);
  }

  private end(s: JobSlot, state: JobState): void {
    s.stoppedRun = null;
    s.rec.state = state;
    s.rec.finishedAt = Date.now();
    s.local = false;
    s.gpu = false;
    // The rows can go, unless a retry may need them and they are not stored (a retry reads stored rows).
    if (state === 'completed' || (s.rec.datasetKey && !s.immediate)) s.input = null;
  }

  private emit(s: JobSlot, transition: Transition, save: Save): true {
    const c: JobChange = { id: s.rec.id, transition, save, immediate: s.immediate };
    for (const fn of this.listeners) fn(c);
    return true;
  }
}
