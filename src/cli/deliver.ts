// A new secret (a token, an embed session) reaches stdout exactly once, or the CLI says plainly that it did not
// and what is still live. Success is announced only after the write was confirmed; a token that could not be
// delivered is revoked, since nobody holds it, and when that revoke fails too the message gives the command that
// does it. An embed session cannot be revoked, so the message says when it lapses.
import { EMBED_SESSION_LIFETIME_MS } from "../embed.js";
import type { EmbedSession, Token } from "../types.js";
import { UsageError } from "./args.js";
import { EXIT_FAILED, ReportedFailure } from "./output.js";
import { shellQuote } from "./shell.js";
import { jsonText, line } from "../printable.js";

/** The CLI's output, as commands see it: only the boundary in main.ts writes. */
export interface Output {
  /** Lines for stdout, made terminal-safe; resolves once written. */
  result(text: string): Promise<void>;
  /** Lines for stderr, made terminal-safe. */
  say(text: string): void;
  /** Text for stdout, unaltered; resolves once written, rejects when it could not be. */
  secret(text: string): Promise<void>;
  stdoutDiscarded(): boolean;
  /** True when stderr is a terminal, where a progress line can be redrawn in place. */
  stderrIsTerminal(): boolean;
  /**
   * Redraws the one live line at the bottom of a terminal's stderr, made terminal-safe; "" clears it. Lines
   * said meanwhile are written above it. Does nothing when stderr is not a terminal.
   */
  live(text: string): void;
}

const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/** Refuses before anything is created when stdout leads nowhere, so no secret is made only to be lost. */
export function ensureSecretCanBeDelivered(out: Output): void {
  if (out.stdoutDiscarded()) {
    throw new UsageError(
      "stdout is closed or /dev/null, so the new secret would be lost; nothing was created. " +
        "Send stdout to a file or a program (> token.txt, | vault write ...).",
    );
  }
}

/** A secret on a line of its own. A secret is printable ASCII; anything else would be a terminal control sequence. */
function secretLine(secret: string): string {
  if (!PRINTABLE_ASCII.test(secret)) throw new Error("the API sent a secret that is not printable ASCII");
  return `${secret}\n`;
}

/**
 * Writes a secret's text to stdout: resolves to nothing once it was written, or to why it could not be. A secret
 * that cannot be printed counts as not delivered, like a failed write.
 */
async function undelivered(out: Output, text: () => string): Promise<string | undefined> {
  try {
    await out.secret(text());
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  }
}

export interface Delivery {
  out: Output;
  token: Token;
  username: string;
  json: boolean;
  revoke(): Promise<void>;
  /** What else is true when the secret was not delivered (e.g. the rotated token is already revoked). */
  alsoNote?: string;
}

/** Writes the secret to stdout; when that fails, revokes the token and throws a ReportedFailure. */
export async function deliverSecret({ out, token, username, json, revoke, alsoNote }: Delivery): Promise<void> {
  const reason = await undelivered(out, () => (json ? jsonText(token) : secretLine(token.token)));
  if (reason === undefined) return;
  const what = line`error: the secret of token ${token.id} for ${username} could not be written to stdout (${reason}), so it was not delivered.`;
  const note = alsoNote ? `\n${alsoNote}` : "";
  try {
    await revoke();
    out.say(`${what}\nThe CLI revoked that token, so no live token is left whose secret nobody holds.${note}\n`);
  } catch (error) {
    out.say(
      `${what}\n` +
        line`The token is still live: revoking it failed (${(error as Error).message.split("\n")[0]}). Revoke it with:\n` +
        `  motherduck-rest tokens delete ${line`${shellQuote(username)} ${shellQuote(token.id)}`}${note}\n`,
    );
  }
  throw new ReportedFailure(EXIT_FAILED);
}

/** How long an embed session works, in words. */
export const EMBED_SESSION_LIFETIME = `${EMBED_SESSION_LIFETIME_MS / 3_600_000} hours`;

export interface EmbedSessionDelivery {
  out: Output;
  session: EmbedSession;
  username: string;
  diveId: string;
  json: boolean;
}

/**
 * Writes the embed session to stdout (the session alone, or `{ "session": … }` with --json). The API cannot
 * revoke an embed session, so one that was not delivered is only reported: it lapses by itself.
 */
export async function deliverEmbedSession({
  out,
  session,
  username,
  diveId,
  json,
}: EmbedSessionDelivery): Promise<void> {
  const reason = await undelivered(out, () => (json ? jsonText(session) : secretLine(session.session)));
  if (reason === undefined) return;
  out.say(
    line`error: the embed session for ${username} on Dive ${diveId} could not be written to stdout (${reason}), so it was not delivered.` +
      "\n" +
      `The API cannot revoke an embed session: it expires within ${EMBED_SESSION_LIFETIME}, and nothing else can be done about it.\n`,
  );
  throw new ReportedFailure(EXIT_FAILED);
}
