/**
 * A Worker whose script does not load (offline with no copy of it, a server error) fires `error` and
 * never answers, and Comlink would then wait forever; so would it after an uncaught error inside. The
 * promise returned here rejects at that first `error`, with a message naming the Worker's role ("the
 * file reader"), so a call raced against it ends in that message instead of hanging.
 */
export function workerFailure(worker: Worker, role: string): Promise<never> {
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener(
      'error',
      (ev) => {
        ev.preventDefault();
        worker.terminate();
        // A script that failed to load gives a bare Event; an error thrown inside gives an ErrorEvent.
        const thrown = ev instanceof ErrorEvent && ev.message ? ev.message : null;
        reject(
          new Error(
            thrown
              ? `${capitalise(role)} stopped: ${thrown}`
              : `Could not start ${role}: its script did not load (the network is off and this copy of the app lacks it, or the server failed). Try again once it is back.`,
          ),
        );
      },
      { once: true },
    );
  });
  // Nobody may be racing it when it fails (an idle reader); that is not an unhandled rejection.
  failed.catch(() => {});
  return failed;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
