// Reads a response body within a byte limit, so that a huge or endless answer is never buffered.
import { untilAborted } from "./abort.js";

export const ERROR_BODY_LIMIT = 1024 * 1024;
export const SUCCESS_BODY_LIMIT = 16 * 1024 * 1024;

export interface BodyRead {
  bytes: Uint8Array;
  /** True when the body was longer than the limit and cut there. */
  truncated: boolean;
}

let decoder: InstanceType<typeof TextDecoder> | undefined;
/** Decodes a body read as UTF-8, as `Response.text()` does. */
export const decodeBody = (bytes: Uint8Array) => (decoder ??= new TextDecoder()).decode(bytes);

/**
 * The next chunk, unless the signal aborts first: then the stream is cancelled and the signal's reason
 * thrown. For bodies from a fetch that may not honour its signal.
 */
async function readOrCancel(reader: ReadableStreamDefaultReader<Uint8Array>, signal: AbortSignal) {
  try {
    return await untilAborted(reader.read(), signal);
  } catch (error) {
    reader.cancel().catch(() => undefined);
    throw error;
  }
}

/**
 * Reads at most `limit` bytes; past that it stops reading, cancels the rest and reports truncation. It counts
 * the bytes that arrive, never a Content-Length, which a custom fetch's Response can set to anything. Each read
 * races `signal`, since a custom fetch's body may not honour it.
 */
export async function readBodyWithin(response: Response, limit: number, signal: AbortSignal): Promise<BodyRead> {
  if (!response.body) return { bytes: new Uint8Array(0), truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await readOrCancel(reader, signal);
    if (done) break;
    if (total + value.byteLength > limit) {
      chunks.push(value.subarray(0, limit - total));
      await reader.cancel().catch(() => undefined);
      return { bytes: await concat(chunks), truncated: true };
    }
    chunks.push(value);
    total += value.byteLength;
  }
  return { bytes: await concat(chunks), truncated: false };
}

async function concat(chunks: Uint8Array[]): Promise<Uint8Array> {
  return chunks.length === 1 ? chunks[0]! : new Uint8Array(await new Blob(chunks).arrayBuffer());
}
