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
 * Reads at most `limit` bytes; past that it stops reading, cancels the rest and reports truncation. It counts
 * the bytes that arrive, never a Content-Length, which a custom fetch's Response can set to anything. Each read
 * races `signal`, since a custom fetch's body may not honour it; when the signal wins, the stream is cancelled
 * and the signal's reason thrown.
 */
export async function readBodyWithin(response: Response, limit: number, signal: AbortSignal): Promise<BodyRead> {
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let room = limit;
  let truncated = false;
  try {
    for (let read; reader && !truncated && !(read = await untilAborted(reader.read(), signal)).done;) {
      chunks.push(read.value.subarray(0, room));
      truncated = read.value.byteLength > room;
      room -= read.value.byteLength;
    }
  } catch (error) {
    reader!.cancel().catch(() => undefined);
    throw error;
  }
  if (truncated) await reader!.cancel().catch(() => undefined);
  return { bytes: await concat(chunks), truncated };
}

async function concat(chunks: Uint8Array[]): Promise<Uint8Array> {
  return chunks.length === 1 ? chunks[0]! : new Uint8Array(await new Blob(chunks).arrayBuffer());
}
