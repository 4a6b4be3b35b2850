// The sign-in cookie: which customer this browser signed in as, signed so that no one can write another
// customer's id into it. Pure functions of the key, the clock and the headers; the server does the I/O.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** The cookie's name. `__Host-` would need Secure, which plain-http local runs cannot have. */
export const COOKIE_NAME = "embed_customer";
/** How long a sign-in lasts. */
export const SIGN_IN_LIFETIME_SECONDS = 12 * 60 * 60;
const VERSION = "v1";

/** A key for this process alone, when no SESSION_SECRET is given: cookies then stop working at a restart. */
export function randomSessionSecret(): string {
  return randomBytes(32).toString("base64url");
}

function signature(secret: string, payload: string): Buffer {
  return createHmac("sha256", secret).update(payload).digest();
}

/** `v1.<id>.<expires, s since the epoch>.<HMAC-SHA256 of the rest, base64url>`. */
export function signedCookieValue(secret: string, customerId: string, nowMs: number): string {
  const payload = `${VERSION}.${customerId}.${Math.floor(nowMs / 1000) + SIGN_IN_LIFETIME_SECONDS}`;
  return `${payload}.${signature(secret, payload).toString("base64url")}`;
}

/** The customer id a cookie value vouches for, or undefined when it is malformed, tampered with or expired. */
export function verifiedCustomerId(secret: string, value: string, nowMs: number): string | undefined {
  const parts = value.split(".");
  if (parts.length !== 4 || parts[0] !== VERSION) return undefined;
  const [, id, expires, mac] = parts as [string, string, string, string];
  // The signature is compared as text, so no other spelling of the same bytes (base64url's last character
  // carries spare bits) passes; and in constant time, so the time taken tells nothing of how close a guess was.
  const expected = Buffer.from(signature(secret, `${VERSION}.${id}.${expires}`).toString("base64url"));
  const given = Buffer.from(mac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  if (!/^\d+$/.test(expires) || Number(expires) * 1000 <= nowMs) return undefined;
  return id;
}

/** The value of one cookie in a `Cookie` header, or undefined. */
export function cookieFrom(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at !== -1 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** HttpOnly, so no script reads it; SameSite=Lax, so no other site's form posts with it; Secure over https. */
function attributes(secure: boolean, maxAgeSeconds: number): string {
  return `Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure ? "; Secure" : ""}`;
}

export function signInCookie(value: string, secure: boolean): string {
  return `${COOKIE_NAME}=${value}; ${attributes(secure, SIGN_IN_LIFETIME_SECONDS)}`;
}

export function signOutCookie(secure: boolean): string {
  return `${COOKIE_NAME}=; ${attributes(secure, 0)}`;
}
