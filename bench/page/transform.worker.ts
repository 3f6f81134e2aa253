// The bench's transform Worker: the fit and the new vectors arrive in one transferred message.
import { runTransform } from './transform-run';
import type { TransformReply, TransformRequest } from './protocol';

const post = (msg: TransformReply, transfer: Transferable[] = []): void => (self as unknown as Worker).postMessage(msg, transfer);

self.onmessage = async (ev: MessageEvent<TransformRequest>) => {
  try {
    const done = await runTransform(ev.data);
    post(done, [done.embedding.buffer, done.fittedAfter.buffer]);
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
};
