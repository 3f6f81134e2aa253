// User settings for jobs, persisted in localStorage: they must be readable synchronously at startup
// (auto-resume decides what happens before the first paint), which IndexedDB cannot offer.

export interface JobSettings {
  /** Points per kNN chunk: the unit of work, and of work lost on a reload. */
  chunkSize: number;
  /** Jobs running at once (the original service's max_concurrent_jobs). */
  maxConcurrentJobs: number;
  /** Hours that failed and cancelled jobs' data is kept. */
  retentionHours: number;
  /** Resume interrupted jobs after a reload without a click. */
  autoResume: boolean;
  /** Share of the GPU's memory a WebGPU job may use. */
  gpuMemoryFraction: number;
}

export const DEFAULT_SETTINGS: JobSettings = {
  chunkSize: 1000,
  maxConcurrentJobs: 3,
  retentionHours: 24,
  autoResume: true,
  gpuMemoryFraction: 0.8,
};

const KEY = 'mapstream.settings.v1';

class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

/** Reject values the scheduler cannot honour, naming the setting. */
export function validateSettings(s: JobSettings): JobSettings {
  const fail = (m: string): never => {
    throw new SettingsError(m);
  };
  if (!Number.isInteger(s.chunkSize) || s.chunkSize < 16 || s.chunkSize > 100_000) fail(`Chunk size must be a whole number from 16 to 100,000 (got ${s.chunkSize}).`);
  if (!Number.isInteger(s.maxConcurrentJobs) || s.maxConcurrentJobs < 1 || s.maxConcurrentJobs > 32)
    fail(`Maximum concurrent jobs must be a whole number from 1 to 32 (got ${s.maxConcurrentJobs}).`);
  if (!(s.retentionHours >= 0) || !Number.isFinite(s.retentionHours)) fail(`Retention must be a number of hours ≥ 0 (got ${s.retentionHours}).`);
  if (typeof s.autoResume !== 'boolean') fail('Auto-resume must be on or off.');
  if (!(s.gpuMemoryFraction > 0 && s.gpuMemoryFraction <= 1)) fail(`GPU memory fraction must be in (0, 1] (got ${s.gpuMemoryFraction}).`);
  return s;
}

/** Stored settings over the defaults; a corrupt or invalid entry falls back to the defaults. */
export function loadSettings(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): JobSettings {
  try {
    const raw = storage?.getItem(KEY);
    if (!raw) return { ...DEFAULT_SETTINGS };
    const parsed = JSON.parse(raw) as Partial<JobSettings>;
    return validateSettings({ ...DEFAULT_SETTINGS, ...parsed });
  } catch {
    return { ...DEFAULT_SETTINGS };
  }
}

export function saveSettings(s: JobSettings, storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
  validateSettings(s);
  storage?.setItem(KEY, JSON.stringify(s));
}
