// Counts the bytes a parser asks for while one fuzz case runs, so a file that declares a huge shape
// is caught allocating for what it claims rather than for what it holds. The global constructors are
// wrapped (not replaced): each allocation still happens exactly as it would, it is only measured.
// Node's own buffers (Buffer, zlib) keep the constructors they captured at start-up and are not counted.

const TYPED = [
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
] as const;

export interface AllocStats {
  /** The largest single allocation, in bytes. */
  largest: number;
  /** Every allocation added up: an upper bound on the peak. */
  total: number;
}

let current: AllocStats | null = null;

function note(bytes: number): void {
  if (!current || !(bytes > 0)) return;
  current.total += bytes;
  if (bytes > current.largest) current.largest = bytes;
}

/** Bytes a typed array constructor call allocates: a length, or a copy of an array-like; a view of a buffer allocates none. */
function typedBytes(args: unknown[], bytesPerElement: number): number {
  const a = args[0];
  if (typeof a === 'number') return a * bytesPerElement;
  if (a instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && a instanceof SharedArrayBuffer)) return 0;
  if (a !== null && typeof a === 'object' && 'length' in a && typeof a.length === 'number') return a.length * bytesPerElement;
  return 0;
}

let installed = false;

/** Wrap the constructors once per process; counting is on only inside measure(). */
function install(): void {
  if (installed) return;
  installed = true;
  const g = globalThis as unknown as Record<string, unknown>;
  for (const name of TYPED) {
    const target = g[name] as { new (...a: unknown[]): unknown; BYTES_PER_ELEMENT: number };
    const proxy: object = new Proxy(target, {
      construct(t, args, newTarget) {
        note(typedBytes(args, t.BYTES_PER_ELEMENT));
        return Reflect.construct(t, args, newTarget === proxy ? t : newTarget);
      },
    });
    g[name] = proxy;
  }
  for (const name of ['ArrayBuffer', 'SharedArrayBuffer'] as const) {
    const target = g[name] as (new (...a: unknown[]) => unknown) | undefined;
    if (!target) continue;
    const proxy: object = new Proxy(target, {
      construct(t, args, newTarget) {
        note(typeof args[0] === 'number' ? args[0] : 0);
        return Reflect.construct(t, args, newTarget === proxy ? t : newTarget);
      },
    });
    g[name] = proxy;
  }
  const wasm = WebAssembly as unknown as Record<string, unknown>;
  const Memory = wasm.Memory as new (d: WebAssembly.MemoryDescriptor) => WebAssembly.Memory;
  const memProxy: object = new Proxy(Memory, {
    construct(t, args, newTarget) {
      note(((args[0] as WebAssembly.MemoryDescriptor | undefined)?.initial ?? 0) * 65536);
      return Reflect.construct(t, args, newTarget === memProxy ? t : newTarget);
    },
  });
  wasm.Memory = memProxy;
}

/** Run fn with allocations counted. Cases run one at a time, so one counter is enough. */
export async function measure<T>(fn: () => Promise<T>): Promise<{ value: T; alloc: AllocStats } | { error: unknown; alloc: AllocStats }> {
  install();
  const alloc: AllocStats = { largest: 0, total: 0 };
  current = alloc;
  try {
    return { value: await fn(), alloc };
  } catch (error) {
    return { error, alloc };
  } finally {
    current = null;
  }
}
