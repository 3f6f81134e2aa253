// Simulated IndexedDB write failures, for tests: the errors Chromium raises when a commit is refused
// (QuotaExceededError when the origin is over quota, UnknownError when the backing store fails), on a
// real transaction. Armed only by the test hook (the page's writes) or a job's FaultPlan (its Worker's
// writes); unarmed, every store is handed out as is.

export interface StorageFaultPlan {
  /** The DOMException the failed write rejects with. */
  name: 'QuotaExceededError' | 'UnknownError';
  /** Only puts of keys starting with this count and fail (default: every key). */
  keyPrefix?: string;
  /** Matching puts that still go through before the first failure (default 0). */
  afterPuts?: number;
  /** Transactions that fail, one per matching put from then on (default 1); then the plan is spent. */
  count?: number;
}

let armed: { plan: StorageFaultPlan; seen: number; left: number } | null = null;

/** Arm a plan in this realm (the page or one job Worker); null disarms. */
export function armStorageFault(plan: StorageFaultPlan | null | undefined): void {
  armed = plan ? { plan: { ...plan }, seen: 0, left: plan.count ?? 1 } : null;
}

/**
 * The store of readwrite transaction `tx`, watched by the armed plan: the put it fails on aborts the
 * whole transaction, so the puts it already issued are rolled back, as a refused commit is.
 * `failure()` is the error to reject the transaction's work with once that happened.
 */
export function guardWrites(store: IDBObjectStore): { store: IDBObjectStore; failure(): DOMException | null } {
  if (!armed) return { store, failure: () => null };
  let failure: DOMException | null = null;
  const put = (value: unknown, key?: IDBValidKey): IDBRequest<IDBValidKey> => {
    const request = store.put(value, key);
    const a = armed;
    if (a && !failure && (a.plan.keyPrefix === undefined || String(key).startsWith(a.plan.keyPrefix)) && ++a.seen > (a.plan.afterPuts ?? 0)) {
      if (--a.left <= 0) armed = null;
      failure = new DOMException(`Simulated ${a.plan.name} (storage fault from the test hook)`, a.plan.name);
      store.transaction.abort();
    }
    return request;
  };
  const guarded = new Proxy(store, {
    get(target, prop) {
      if (prop === 'put') return put;
      const v: unknown = Reflect.get(target, prop, target);
      // IDBObjectStore's methods need the store itself as `this`.
      return typeof v === 'function' ? (v as (...args: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { store: guarded, failure: () => failure };
}
