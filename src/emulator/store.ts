// The emulator's state: organizations, users and tokens, in memory, with a clock tests can move.
import { randomUUID } from "node:crypto";
import type { Role } from "../scope.js";
import type { TokenType } from "../types.js";
import { enums } from "../rules.js";
import { createSigner } from "./jwt.js";

export interface User {
  username: string;
  organization: string;
  role: Role;
  serviceAccount: boolean;
}

export interface TokenRecord {
  id: string;
  organization: string;
  username: string;
  name: string | undefined;
  tokenType: TokenType;
  createdMs: number;
  expiresMs: number | undefined;
}

export interface NewToken {
  record: TokenRecord;
  secret: string;
}

export class Store {
  /** Users by organization, then by exact username: another organization's users are simply not there. */
  private readonly organizations = new Map<string, Map<string, User>>();
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly signer = createSigner();
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError("advanceTime takes a number of seconds ≥ 0");
    this.offsetMs += seconds * 1000;
  }

  private members(organization: string): Map<string, User> {
    let members = this.organizations.get(organization);
    if (!members) {
      members = new Map();
      this.organizations.set(organization, members);
    }
    return members;
  }

  /** A user of `organization` whose name differs from `username` only by case, if any: names are unique that way. */
  clash(organization: string, username: string): User | undefined {
    const folded = username.toLowerCase();
    for (const user of this.members(organization).values()) {
      if (user.username.toLowerCase() === folded) return user;
    }
    return undefined;
  }

  addUser(user: User): User {
    if (this.clash(user.organization, user.username)) {
      throw new Error(`user "${user.username}" exists already in organization "${user.organization}"`);
    }
    this.members(user.organization).set(user.username, user);
    return user;
  }

  /** The user of `organization` with exactly this username. */
  user(organization: string, username: string): User | undefined {
    return this.organizations.get(organization)?.get(username);
  }

  deleteUser(user: User): void {
    this.organizations.get(user.organization)?.delete(user.username);
    for (const token of this.tokensOf(user)) this.tokens.delete(token.id);
  }

  tokensOf(user: User): TokenRecord[] {
    return [...this.tokens.values()].filter(
      (t) => t.organization === user.organization && t.username === user.username,
    );
  }

  createToken(user: User, options: { name?: string; ttl?: number; tokenType?: TokenType }): NewToken {
    const createdMs = this.now();
    const record: TokenRecord = {
      id: randomUUID(),
      organization: user.organization,
      username: user.username,
      name: options.name,
      tokenType: options.tokenType ?? enums.token_type.read_write,
      createdMs,
      expiresMs: options.ttl === undefined ? undefined : createdMs + options.ttl * 1000,
    };
    this.tokens.set(record.id, record);
    const secret = this.signer.sign({
      jti: record.id,
      sub: user.username,
      iat: Math.floor(createdMs / 1000),
      ...(record.expiresMs !== undefined && { exp: Math.floor(record.expiresMs / 1000) }),
    });
    return { record, secret };
  }

  /** Revokes a token of `user`; false when the user has no such token. */
  revokeToken(user: User, tokenId: string): boolean {
    const token = this.tokens.get(tokenId);
    if (!token || token.organization !== user.organization || token.username !== user.username) return false;
    return this.tokens.delete(tokenId);
  }

  /** The live token and its user for a bearer secret, or why there is none. */
  authenticate(secret: string): { user: User; token: TokenRecord } | { reason: string } {
    const verified = this.signer.verify(secret);
    if ("reason" in verified) return verified;
    const token = this.tokens.get(verified.claims.jti);
    if (!token) return { reason: "Token is unknown or revoked" };
    if (token.expiresMs !== undefined && token.expiresMs <= this.now()) return { reason: "Token has expired" };
    const user = this.user(token.organization, token.username);
    if (!user) return { reason: "Token's user no longer exists" };
    return { user, token };
  }
}
