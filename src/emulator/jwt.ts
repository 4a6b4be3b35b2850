// JWT-shaped tokens, signed with HMAC-SHA256 by a key made fresh for each emulator process, so that a
// token from one run never works in another.
import { createHmac, randomBytes } from "node:crypto";
import { isExactSignature } from "./base64url.js";

export interface TokenClaims {
  /** The token id. */
  jti: string;
  /** The username the token belongs to. */
  sub: string;
  iat: number;
  exp?: number;
}

const HEADER = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");

export function createSigner(key: Buffer = randomBytes(32)) {
  const sign = (data: string) => createHmac("sha256", key).update(data).digest();
  return {
    sign(claims: TokenClaims): string {
      const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
      return `${HEADER}.${payload}.${sign(`${HEADER}.${payload}`).toString("base64url")}`;
    },
    /** The claims of a token this signer made, or a reason why it is not one. */
    verify(token: string): { claims: TokenClaims } | { reason: string } {
      const parts = token.split(".");
      if (parts.length !== 3) return { reason: "Jwt is not in the form of Header.Payload.Signature" };
      const [header, payload, signature] = parts as [string, string, string];
      if (!isExactSignature(signature, sign(`${header}.${payload}`))) return { reason: "Jwt signature is invalid" };
      try {
        const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as TokenClaims;
        if (typeof claims.jti !== "string" || typeof claims.sub !== "string")
          return { reason: "Jwt claims are invalid" };
        return { claims };
      } catch {
        return { reason: "Jwt payload is not JSON" };
      }
    },
  };
}
