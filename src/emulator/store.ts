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
  private readonly users = new Map<string, User>();
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly signer = createSigner();
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }

  addUser(user: User): User {
    if (this.users.has(user.username)) throw new Error(`user ${user.username} exists already`);
    this.users.set(user.username, user);
    return user;
  }

  user(username: string): User | undefined {
    return this.users.get(username);
  }

  /** A user the caller may know of: one of the caller's own organization. */
  userVisibleTo(caller: User, username: string): User | undefined {
    const user = this.users.get(username);
    return user && user.organization === caller.organization ? user : undefined;
  }

  createToken(username: string, options: { name?: string; ttl?: number; tokenType?: TokenType }): NewToken {
    const createdMs = this.now();
    const record: TokenRecord = {
      id: randomUUID(),
      username,
      name: options.name,
      tokenType: options.tokenType ?? enums.token_type.read_write,
      createdMs,
      expiresMs: options.ttl === undefined ? undefined : createdMs + options.ttl * 1000,
    };
    this.tokens.set(record.id, record);
    const secret = this.signer.sign({
      jti: record.id,
      sub: username,
      iat: Math.floor(createdMs / 1000),
      ...(record.expiresMs !== undefined && { exp: Math.floor(record.expiresMs / 1000) }),
    });
    return { record, secret };
  }

  /** The live token and its user for a bearer secret, or why there is none. */
  authenticate(secret: string): { user: User; token: TokenRecord } | { reason: string } {
    const verified = this.signer.verify(secret);
    if ("reason" in verified) return verified;
    const token = this.tokens.get(verified.claims.jti);
    if (!token) return { reason: "Token is unknown or revoked" };
    if (token.expiresMs !== undefined && token.expiresMs <= this.now()) return { reason: "Token has expired" };
    const user = this.users.get(token.username);
    if (!user) return { reason: "Token's user no longer exists" };
    return { user, token };
  }
}
