// Base64url texts read as the server that issued them reads them: character for character. Node's decoder
// is lenient: it skips characters outside the alphabet (`!`, `=`) and ignores a last character's padding
// bits, so several texts decode to the same bytes, and an altered token would pass for the one issued.
import { timingSafeEqual } from "node:crypto";

/** Whether `signature` is exactly the canonical base64url text of `expected`, compared in constant time. */
export function isExactSignature(signature: string, expected: Buffer): boolean {
  const given = Buffer.from(signature, "utf8");
  const wanted = Buffer.from(expected.toString("base64url"), "utf8");
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** The bytes `text` encodes, or undefined when `text` is not their canonical base64url spelling. */
export function decodeExact(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, "base64url");
  return bytes.toString("base64url") === text ? bytes : undefined;
}
