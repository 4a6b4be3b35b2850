// Flags in the CLI's own words. Node's parseArgs reads the command line; every mistake it would report
// in its own text is found here from its tokens and said plainly, naming the flag.
import { parseArgs } from "node:util";
import { line } from "../printable.js";
import { didYouMean } from "./suggest.js";

export type FlagSpec = Record<string, { type: "string" | "boolean"; short?: string }>;
export type FlagValues = Record<string, string | boolean | undefined>;

/** A command line that does not make sense; the message says what to change. */
export class UsageError extends Error {}

const TOKEN_FLAGS = new Set(["token", "motherduck-token", "api-key", "auth"]);

function unknownFlag(rawName: string, name: string, flags: FlagSpec): UsageError {
  if (TOKEN_FLAGS.has(name)) {
    return new UsageError(
      line`there is no ${rawName} flag: the token comes from the environment variable MOTHERDUCK_TOKEN ` +
        "(or motherduck_token), never from a flag, so it stays out of shell history and process lists",
    );
  }
  const known = Object.keys(flags).map((flag) => `--${flag}`);
  return new UsageError(line`unknown flag ${rawName}` + didYouMean(rawName, known));
}

/** Reads `args` against `flags`; throws a UsageError that names the flag for any mistake. */
export function parseFlags(args: string[], flags: FlagSpec): { values: FlagValues; positionals: string[] } {
  const { tokens } = parseArgs({ args, options: flags, allowPositionals: true, strict: false, tokens: true });
  const values: FlagValues = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") positionals.push(token.value);
    if (token.kind !== "option") continue;
    const spec = flags[token.name];
    if (!spec) throw unknownFlag(token.rawName, token.name, flags);
    const flag = `--${token.name}`;
    if (spec.type === "boolean") {
      if (token.value !== undefined) throw new UsageError(line`${flag} takes no value`);
      values[token.name] = true;
      continue;
    }
    // parseArgs takes the next word as the value even when it is another flag: "--name --json".
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith("-"))) {
      throw new UsageError(
        line`${flag} needs a value` +
          (token.value === undefined ? "" : line` (write ${flag}=${token.value} for a value that starts with "-")`),
      );
    }
    if (values[token.name] !== undefined) throw new UsageError(line`${flag} is given twice`);
    values[token.name] = token.value;
  }
  return { values, positionals };
}
