// Test faults per job (set only through the test hook, src/jobs/jobs-test-hook.ts). A plan can be
// set for a job, or for the next job of a kind whoever submits it (the UI's Run or "Add points");
// a run takes its job's plan when it starts, and a hold or a storage fault in it is for that one run.
import type { FaultPlan } from './faults';

type NextKind = 'fit' | 'transform';

export class FaultPlans {
  private readonly plans = new Map<string, FaultPlan>();
  private readonly next = new Map<NextKind, FaultPlan>();

  set(id: string, plan: FaultPlan): void {
    this.plans.set(id, plan);
  }

  /** The plan the next job of this kind is submitted with. */
  setNext(kind: NextKind, plan: FaultPlan): void {
    this.next.set(kind, plan);
  }

  /** A job of this kind was submitted: it takes `given` if any, else the plan set for the next one. */
  submitted(id: string, kind: NextKind, given?: FaultPlan): void {
    const plan = given ?? this.next.get(kind);
    this.next.delete(kind);
    if (plan) this.plans.set(id, plan);
  }

  /**
   * The plan a run of the job starts with; its hold and storage fault are cleared, so the run resuming
   * from it goes on, and writes again.
   */
  takeForRun(id: string): FaultPlan | undefined {
    const plan = this.plans.get(id);
    if (plan?.holdAt || plan?.storageFault) this.plans.set(id, { ...plan, holdAt: undefined, storageFault: undefined });
    return plan;
  }

  delete(id: string): void {
    this.plans.delete(id);
  }
}
