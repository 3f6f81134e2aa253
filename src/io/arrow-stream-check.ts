// The Arrow stream format checked message by message as its bytes go to arrow-js: each message's
// metadata is validated (arrow-schema.ts) before the chunk that completes it is passed on, and its
// body skipped by the length it states. Only one message's metadata is ever held.
import { messageFrame, messageSound } from './arrow-schema';
import { IngestError } from './dataset';

const ARROW1 = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31];

export async function* checkedStream(name: string, chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let head: Uint8Array = new Uint8Array(0);
  let skip = 0;
  let message = 0;
  for await (const chunk of chunks) {
    let rest = chunk;
    while (rest.length > 0) {
      if (skip > 0) {
        const n = Math.min(skip, rest.length);
        skip -= n;
        rest = rest.subarray(n);
        continue;
      }
      const joined: Uint8Array = new Uint8Array(head.length + rest.length);
      joined.set(head);
      joined.set(rest, head.length);
      // The file format read in order (a .feather.gz): arrow-js reads it whole; only streams are framed here.
      if (message === 0 && joined.length >= 6 && ARROW1.every((c, i) => joined[i] === c)) {
        skip = Number.POSITIVE_INFINITY;
        head = new Uint8Array(0);
        break;
      }
      const frame = messageFrame(joined);
      if (!frame || frame.length <= 0 || joined.length < frame.start + frame.length) {
        // The end-of-stream marker (length 0) or a message still arriving: arrow-js judges the former.
        if (frame && frame.length <= 0) {
          head = new Uint8Array(0);
          rest = new Uint8Array(0);
          skip = Number.POSITIVE_INFINITY;
          break;
        }
        head = joined;
        break;
      }
      message++;
      const ok = messageSound(joined.subarray(frame.start, frame.start + frame.length));
      if (!ok) throw new IngestError(`${name}: message ${message} of its Arrow stream is damaged (a count in it is more than its bytes can hold).`);
      rest = joined.subarray(frame.start + frame.length);
      head = new Uint8Array(0);
      skip = ok.bodyLength;
    }
    yield chunk;
  }
}
