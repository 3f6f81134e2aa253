// The LZ4 frame format (https://github.com/lz4/lz4/blob/dev/doc/lz4_Frame_format.md), which Arrow IPC
// uses for LZ4-compressed buffers (pandas' to_feather default). arrow-js ships no codec and does not
// pass the buffer's decompressed length, so each block is decoded into room for its maximum size.

const MAGIC = 0x184d2204;
const BLOCK_MAX = [0, 0, 0, 0, 1 << 16, 1 << 18, 1 << 20, 1 << 22];

const u32 = (b: Uint8Array, at: number) => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;

/**
 * One LZ4 block into out at `o`, which has room up to `end` (the frame's block maximum); returns the
 * new end of out. Lengths are checked against the block and that room: a damaged length would
 * otherwise move the output position by what it claims rather than by what is there.
 */
function decodeBlock(src: Uint8Array, out: Uint8Array, o: number, end: number): number {
  let i = 0;
  while (i < src.length) {
    const token = src[i++]!;
    let lit = token >> 4;
    if (lit === 15) for (let b = 255; b === 255 && i < src.length; lit += b) b = src[i++]!;
    if (i + lit > src.length || o + lit > end) throw new Error('lz4 block: a literal run reaches past the end of the block');
    out.set(src.subarray(i, i + lit), o);
    o += lit;
    i += lit;
    // The last sequence is literals only.
    if (i >= src.length) break;
    const offset = src[i]! | (src[i + 1]! << 8);
    i += 2;
    if (offset === 0 || offset > o) throw new Error(`lz4 block: match offset ${offset} out of range`);
    let len = token & 15;
    if (len === 15) for (let b = 255; b === 255 && i < src.length; len += b) b = src[i++]!;
    len += 4;
    if (o + len > end) throw new Error('lz4 block: a match reaches past the block size');
    // Matches may overlap their own output, so copy forwards byte by byte.
    for (let k = 0; k < len; k++) out[o + k] = out[o - offset + k]!;
    o += len;
  }
  return o;
}

/**
 * Every frame in `input` (frames may be concatenated), decompressed into one buffer: blocks may be
 * linked (LZ4F's default, and Arrow C++'s), so a match can reach back into earlier blocks.
 */
export function decodeLz4Frames(input: Uint8Array): Uint8Array {
  let out = new Uint8Array(Math.max(1024, input.length * 2));
  let o = 0;
  let i = 0;
  while (i < input.length) {
    if (u32(input, i) !== MAGIC) throw new Error('not an LZ4 frame (bad magic number)');
    const flg = input[i + 4]!;
    const bd = input[i + 5]!;
    if (flg >> 6 !== 1) throw new Error(`unsupported LZ4 frame version ${flg >> 6}`);
    if (flg & 1) throw new Error('LZ4 frames with a dictionary are not supported');
    const blockChecksum = (flg & 0x10) !== 0;
    const contentChecksum = (flg & 0x04) !== 0;
    const max = BLOCK_MAX[(bd >> 4) & 7]!;
    if (max === 0) throw new Error('LZ4 frame: invalid block size');
    i += 6 + (flg & 0x08 ? 8 : 0) + 1;
    for (;;) {
      if (i + 4 > input.length) throw new Error('LZ4 frame is truncated');
      const size = u32(input, i);
      i += 4;
      if (size === 0) break;
      const n = size & 0x7fffffff;
      const block = input.subarray(i, i + n);
      if (block.length < n) throw new Error('LZ4 frame is truncated');
      if (o + max > out.length) {
        const grown = new Uint8Array(Math.max(out.length * 2, o + max));
        grown.set(out.subarray(0, o));
        out = grown;
      }
      if (n > max) throw new Error("lz4 frame: a block is larger than the frame's block size");
      if (size & 0x80000000) {
        out.set(block, o);
        o += n;
      } else o = decodeBlock(block, out, o, o + max);
      i += n + (blockChecksum ? 4 : 0);
    }
    if (contentChecksum) i += 4;
  }
  return out.subarray(0, o);
}
