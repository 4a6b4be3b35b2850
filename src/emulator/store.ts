// The emulator's state: organizations, users with their Duckling configs and running Ducklings, tokens and
// embed sessions, in memory, with a clock tests can move.
import { randomBytes, randomUUID } from "node:crypto";
import type { Role } from "../scope.js";
import type { ActiveDuckling, DucklingConfig, TokenType } from "../types.js";
import { enums } from "../rules.js";
import { createSigner } from "./jwt.js";
import { defaultDucklingConfig } from "./ducklings.js";
import { createPageTokens } from "./paging.js";

/** Who a new user is; the store gives them the rest. */
export interface NewUser {
  username: string;
  organization: string;
  role: Role;
  serviceAccount: boolean;
}

export interface User extends NewUser {
  /** A stable UUID, as `GET /v1/users` shows it. */
  id: string;
  /** The order users were added in, which the user list pages by. */
  seq: number;
  ducklingConfig: DucklingConfig;
  /** The Ducklings `activate` marked as running; empty when none runs. */
  running: ActiveDuckling[];
}

/** An embed session the emulator minted, as `embedSessions()` lists it. */
export interface EmbedSessionRecord {
  /** The session secret the answer carried. */
  session: string;
  diveId: string;
  /** The service account the session runs as. */
  username: string;
  /** `session_name`, or its deprecated alias `session_hint`, when one was sent. */
  sessionName?: string;
  /** The Dive version asked for, when one was. */
  version?: number;
  /** When it was minted, on the emulator's clock (ISO 8601). */
  createdAt: string;
  /** When it stops being valid: 24 hours after `createdAt` (ISO 8601). */
  expiresAt: string;
}

/** How long an embed session is valid: MotherDuck's guide says 24 hours. */
const EMBED_SESSION_LIFETIME_MS = 24 * 60 * 60 * 1000;
// Not JWT-shaped on purpose: the session is opaque, and clients must keep it secret without spotting a JWT.
const EMBED_SESSION_PREFIX = "mdes_";

export interface TokenRecord {
  id: string;
  organization: string;
  username: string;
  name: string | undefined;
  description: string | undefined;
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
  private readonly sessions: EmbedSessionRecord[] = [];
  private offsetMs = 0;
  private nextSeq = 0;
  /** Page tokens of the user list, signed with this store's own key. */
  readonly pageTokens = createPageTokens();

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

  /** Adds a user with a fresh id and the default Duckling config; throws when the name is taken. */
  addUser(newUser: NewUser): User {
    if (this.clash(newUser.organization, newUser.username)) {
      throw new Error(`user "${newUser.username}" exists already in organization "${newUser.organization}"`);
    }
    const user: User = {
      ...newUser,
      id: randomUUID(),
      seq: this.nextSeq++,
      ducklingConfig: defaultDucklingConfig(),
      running: [],
    };
    this.members(newUser.organization).set(newUser.username, user);
    return user;
  }

  /** The users of `organization`, in the order they were added. */
  usersOf(organization: string): User[] {
    return [...(this.organizations.get(organization)?.values() ?? [])].sort((a, b) => a.seq - b.seq);
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

  createToken(
    user: User,
    options: { name?: string; ttl?: number; tokenType?: TokenType; description?: string },
  ): NewToken {
    const createdMs = this.now();
    const record: TokenRecord = {
      id: randomUUID(),
      organization: user.organization,
      username: user.username,
      name: options.name,
      description: options.description,
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

  /** Mints an embed session for a Dive, valid for 24 hours on the emulator's clock. */
  createEmbedSession(details: {
    diveId: string;
    username: string;
    sessionName?: string | undefined;
    version?: number | undefined;
  }): EmbedSessionRecord {
    const createdMs = this.now();
    const record: EmbedSessionRecord = {
      session: EMBED_SESSION_PREFIX + randomBytes(32).toString("base64url"),
      diveId: details.diveId,
      username: details.username,
      ...(details.sessionName !== undefined && { sessionName: details.sessionName }),
      ...(details.version !== undefined && { version: details.version }),
      createdAt: new Date(createdMs).toISOString(),
      expiresAt: new Date(createdMs + EMBED_SESSION_LIFETIME_MS).toISOString(),
    };
    this.sessions.push(record);
    return record;
  }

  /** Every embed session minted so far, oldest first: copies, so a test cannot change the store. */
  embedSessions(): EmbedSessionRecord[] {
    return this.sessions.map((record) => ({ ...record }));
  }
}
