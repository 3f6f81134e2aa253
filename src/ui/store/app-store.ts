// Where the page as a whole stands: the status the user (and the tests) see, and the one error banner.
import { batch, createSignal } from 'solid-js';
import { messageOf } from '../../io/error-message';

export type AppStatus = 'idle' | 'running' | 'done' | 'error';

export function createAppStore() {
  const [status, setStatus] = createSignal<AppStatus>('idle');
  const [error, setError] = createSignal<string | null>(null);
  return {
    status,
    error,
    setStatus,
    /** Something the user asked for failed: say what, and the page is in error. */
    fail(err: unknown) {
      batch(() => {
        setError(messageOf(err));
        setStatus('error');
      });
    },
    /** A problem that leaves what is shown as it was (a bad file or bad parameters while a job runs). */
    warn(err: unknown) {
      setError(messageOf(err));
    },
    clearError() {
      setError(null);
    },
  };
}

export type AppStore = ReturnType<typeof createAppStore>;
