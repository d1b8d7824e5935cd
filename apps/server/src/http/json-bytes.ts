// A JSON answer serialized ahead of time (and maybe gzipped), typed by the value it is the JSON of, so that
// `reply.serialized` takes only the bytes of what the route declares.
declare const jsonOf: unique symbol;

export type JsonBytes<T> = Uint8Array<ArrayBuffer> & { readonly [jsonOf]: T };

/** The caller vouches that `bytes` are JSON.stringify of a T, as UTF-8 (or gzipped). */
export const asJsonBytes = <T>(bytes: Uint8Array<ArrayBuffer>): JsonBytes<T> => bytes as JsonBytes<T>;
