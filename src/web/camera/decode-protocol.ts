/** Messages between the page and the decode worker. */
export type DecodeRequest =
  | { id: number; kind: 'frame'; image: ImageData }
  | { id: number; kind: 'blob'; blob: Blob }
  | { id: number; kind: 'warmup' };

export type DecodeResponse = { id: number; ok: true; texts: string[] } | { id: number; ok: false; error: string };
