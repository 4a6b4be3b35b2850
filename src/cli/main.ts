// argv → command → output. This file finds the command, reads its flags and owns the output boundary:
// everything printed passes through printable.ts, except a secret, which deliver.ts writes unaltered.
import { createMotherDuckClient } from "../client.js";
import { VERSION } from "../generated/version.js";
import { parseFlags, UsageError } from "./args.js";
import type { FlagSpec } from "./args.js";
import { commands, GROUPS } from "./commands.js";
import type { Command, CommandContext } from "./commands.js";
import type { Output } from "./deliver.js";
import { HELP } from "./help.js";
import { EXIT_OK, EXIT_REFUSED, Interrupted, describeFailure, exitCodeFor } from "./output.js";
import type { FailureWords, Io } from "./output.js";
import { didYouMean } from "./suggest.js";
import { line, terminalSafe, terminalSafeLines } from "../printable.js";

const common: FlagSpec = { "base-url": { type: "string" }, help: { type: "boolean", short: "h" } };
const HELP_FLAGS = new Set(["--help", "-h"]);
const VERSION_FLAGS = new Set(["--version", "-v"]);
/** Flags only the bare command line takes; listed so that a typo of them is suggested too. */
const TOP_LEVEL_FLAGS: FlagSpec = { version: { type: "boolean", short: "v" } };

/** Every flag the commands of group `name` take ("" for all commands). */
function groupFlags(name: string): FlagSpec {
  const inGroup = Object.entries(commands).filter(([command]) => name === "" || command.startsWith(`${name} `));
  return Object.assign({}, ...inGroup.map(([, command]) => command.flags));
}

/** The only way commands write: stdout and stderr made terminal-safe, and the secret channel. */
function outputFor(io: Io): Output {
  // Carriage return and "erase line" are the only control sequences the CLI writes itself: they redraw the
  // live line, which every other line on stderr is written above.
  const ERASE = "\r\x1b[2K";
  let liveLine = "";
  return {
    result: async (text) => {
      try {
        await io.stdout(terminalSafeLines(text));
      } catch (error) {
        // Results are written only after the API call succeeded: say so, or a retry would repeat it.
        const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        throw new Error(
          `the answer could not be written to stdout (${reason}); the command itself completed, so do not ` +
            `run it again to get its answer`,
        );
      }
    },
    say: (text) => void io.stderr(liveLine ? `${ERASE}${terminalSafeLines(text)}${liveLine}` : terminalSafeLines(text)),
    secret: async (text) => void (await io.stdout(text)),
    stdoutDiscarded: () => io.stdoutDiscarded?.() ?? false,
    stderrIsTerminal: () => io.stderrIsTerminal?.() ?? false,
    live: (text) => {
      if (!io.stderrIsTerminal?.()) return; // a log or a pipe keeps only whole lines
      liveLine = terminalSafe(text);
      io.stderr(`${ERASE}${liveLine}`);
    },
  };
}

/**
 * An unknown command, with the closest known one: a mistyped group is matched together with the word after it
 * first, so "duckling get" suggests "ducklings get" rather than only the group.
 */
function unknownCommand(name: string, next?: string): UsageError {
  const known = [...Object.keys(commands), ...GROUPS, "help"];
  const phrase = next === undefined || next.startsWith("-") ? "" : didYouMean(`${name} ${next}`, Object.keys(commands));
  return new UsageError(line`unknown command "${name}"` + (phrase || didYouMean(name, known)));
}

/** The command a command line names: "" for none, a group's name for a bare group. */
function commandName(argv: string[]): string {
  const [first, second] = argv;
  if (first === undefined || first.startsWith("-")) return "";
  if (!GROUPS.has(first)) {
    if (commands[first]) return first;
    throw unknownCommand(first, second);
  }
  if (second === undefined || second.startsWith("-")) return first;
  if (commands[`${first} ${second}`]) return `${first} ${second}`;
  throw unknownCommand(`${first} ${second}`);
}

/**
 * Runs a command; for one that writes, Ctrl-C (when `io` can report it) ends the wait with Interrupted, which
 * says what to run to learn whether the write happened.
 */
async function runCommand(command: Command, context: CommandContext, io: Io): Promise<void> {
  const { afterInterrupt } = command;
  if (!afterInterrupt || !io.onInterrupt) return command.run(context);
  let stopListening = () => {};
  const interrupted = new Promise<never>((_, reject) => {
    stopListening = io.onInterrupt!(() => reject(new Interrupted(afterInterrupt(context.positionals))));
  });
  try {
    await Promise.race([command.run(context), interrupted]);
  } finally {
    stopListening();
  }
}

async function dispatch(argv: string[], io: Io, out: Output, words: FailureWords): Promise<number> {
  if (VERSION_FLAGS.has(argv[0] ?? "")) {
    await out.result(`motherduck-rest ${VERSION}\n`);
    return EXIT_OK;
  }
  if (argv[0] === "help") {
    const topic = argv.slice(1).join(" ");
    const page = HELP[topic];
    if (page === undefined) throw unknownCommand(topic);
    await out.result(page);
    return EXIT_OK;
  }
  const name = commandName(argv);
  const args = argv.slice(name ? name.split(" ").length : 0);
  if (args.some((arg) => HELP_FLAGS.has(arg))) {
    await out.result(HELP[name]!);
    return EXIT_OK;
  }
  const command = commands[name];
  if (!command) {
    // Names an unknown flag before the page is shown, suggesting from every flag the group's commands take.
    if (args.length) parseFlags(args, { ...common, ...TOP_LEVEL_FLAGS, ...groupFlags(name) });
    // A bare group, or nothing at all: show what there is, as a usage error.
    out.say(HELP[name]!);
    return EXIT_REFUSED;
  }
  words.issuePaths = command.issuePaths;
  words.hint = command.hint;
  const { values, positionals } = parseFlags(args, { ...common, ...command.flags });
  const arity = command.variadic
    ? positionals.length >= command.positionals.length
    : positionals.length === command.positionals.length;
  if (!arity) {
    const expected =
      command.positionals.map((p) => `<${p}>`).join(" ") + (command.variadic ? "..." : "") || "no arguments";
    throw new UsageError(`${name} takes ${expected}`);
  }
  const baseUrl = values["base-url"];
  const client = () =>
    createMotherDuckClient({
      ...(typeof baseUrl === "string" && { baseUrl }),
      logger: { warn: (message) => out.say(line`warning: ${message}` + "\n") },
    });
  await runCommand(command, { values, positionals, out, client }, io);
  return EXIT_OK;
}

/** Runs the CLI and resolves to its exit code. */
export async function runCli(argv: string[], io: Io): Promise<number> {
  const out = outputFor(io);
  const words: FailureWords = {};
  try {
    return await dispatch(argv, io, out, words);
  } catch (error) {
    out.say(describeFailure(error, words));
    return exitCodeFor(error);
  }
}
