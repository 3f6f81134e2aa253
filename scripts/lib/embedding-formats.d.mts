export function rowOf(data: Float32Array, d: number, i: number): number[];
export function toJson(data: Float32Array, n: number, d: number, labels: string[] | null): string;
export function toJsonl(data: Float32Array, n: number, d: number, labels: string[] | null): string;
export function parquetSchema(vectorName: string, textColumns: string[]): object[];
export function toParquet(data: Float32Array, n: number, d: number, labels: string[] | null, rowGroupSize?: number): Uint8Array;
export const ParquetWriter: unknown;
