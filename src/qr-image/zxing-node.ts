/** Node: loads zxing-wasm's reader .wasm from node_modules (never from the network). */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { AppError } from '../errors/app-error';
import { useZxingWasmBinary } from './decoder-core';

let loading: Promise<void> | null = null;

export function zxingReaderWasmPath(): string {
  return createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm');
}

export function loadZxingForNode(): Promise<void> {
  loading ??= (async () => {
    let bytes: Buffer;
    try {
      bytes = await readFile(zxingReaderWasmPath());
    } catch (e) {
      throw new AppError('QR_DECODER_UNAVAILABLE', undefined, { cause: e });
    }
    await useZxingWasmBinary(bytes);
  })().catch((e: unknown) => {
    loading = null;
    throw e;
  });
  return loading;
}
