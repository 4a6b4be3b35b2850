// A new secret reaches stdout exactly once, or the CLI says plainly that it did not and what is still live.
// Success is announced only after the write was confirmed; a secret that could not be delivered is revoked,
// since nobody holds it, and when that revoke fails too the message gives the command that does it.
import type { Token } from "../types.js";
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

/** The text that carries a token's secret: the secret alone, or the whole token as JSON. */
function secretText(token: Token, json: boolean): string {
  if (json) return jsonText(token);
  // A secret is printable ASCII; anything else would be a terminal control sequence, so it is not printed.
  if (!PRINTABLE_ASCII.test(token.token)) throw new Error("the API sent a secret that is not printable ASCII");
  return `${token.token}\n`;
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
  let reason: string;
  try {
    await out.secret(secretText(token, json));
    return;
  } catch (error) {
    reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  }
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
