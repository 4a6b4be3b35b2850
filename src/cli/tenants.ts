// `tenants plan|apply|remove`: a tenants file in, the library's plan or report out. Secrets go only into
// --secrets-dir (through the library's file store), never to stdout; progress goes to stderr; a batch the
// library refuses as a whole is exit 2 with nothing sent; a batch where some tenant failed is exit 1.
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { ValidationError } from "../errors.js";
import type { Tenants, TenantsProgress, TenantsReport, TenantSpec } from "../tenants/index.js";
import { jsonText, line } from "../printable.js";
import { UsageError } from "./args.js";
import type { FlagValues } from "./args.js";
import type { Command, CommandContext } from "./commands.js";
import type { Output } from "./deliver.js";
import { EXIT_FAILED, EXIT_REFUSED, ReportedFailure } from "./output.js";
import { tenantLabel, tenantSpecsFrom, TenantsFileError } from "./tenants-file.js";
import type { FileIssue } from "./tenants-file.js";
import { planErrorLines, planLines, planSummary, reportSummary } from "./tenants-lines.js";
import { interruptible, progressOn } from "./tenants-progress.js";

const json = { json: { type: "boolean" } } as const;
const file = { file: { type: "string", short: "f" } } as const;
const secretsDir = { "secrets-dir": { type: "string" } } as const;

/**
 * The library's issue path in the words of the file or the command line: `tenants[2].tokens.app.ttl` becomes
 * `tenants[2] (t_acme).tokens.app.ttl`, and `serviceAccounts[1]` the argument it names.
 */
export function issueInFileWords(path: string, describe: (index: number) => string): string {
  const match = /^(?:\w+)?\[?(\d+)\]?(?=$|[.[])(.*)$/.exec(path);
  if (!match) return line`${path}`;
  return describe(Number(match[1])) + line`${match[2]}`;
}

/** The library's options, as the command line names them. */
const OPTION_FLAGS: Record<string, string> = { "options.concurrency": "--concurrency" };

/** Says every issue and "Nothing was sent.", then ends the command with exit 2. */
function refuse(out: Output, issues: readonly FileIssue[]): never {
  out.say(issues.map((issue) => `error: ${issue.where}: ${issue.message}`).join("\n") + "\nNothing was sent.\n");
  throw new ReportedFailure(EXIT_REFUSED);
}

/** The paths the tenants library names its own arguments by; any other issue is the client's (a missing token). */
const BATCH_PATH = /^(?:tenants|serviceAccounts|options)\b/;

/**
 * The library refused the whole batch: its issues named as the file or the command line names them. A refusal
 * of the client's own (no token, say) is left to the CLI's usual words.
 */
function refuseBatch(out: Output, error: ValidationError, describe: (index: number) => string): never {
  if (!error.issues.every((issue) => BATCH_PATH.test(issue.path))) throw error;
  refuse(
    out,
    error.issues.map((issue) => ({
      where: OPTION_FLAGS[issue.path] ?? issueInFileWords(issue.path, describe),
      message: line`${issue.message}`,
    })),
  );
}

function required(values: FlagValues, flag: string, command: string, what: string): string {
  const value = values[flag];
  if (typeof value !== "string") throw new UsageError(`${command} needs --${flag} <${what}>`);
  return value;
}

function concurrencyOf(values: FlagValues): number | undefined {
  const text = values.concurrency;
  if (text === undefined) return undefined;
  // Only the number is read here; its bounds are the library's to check.
  if (typeof text !== "string" || !/^\d+$/.test(text)) {
    throw new UsageError(line`--concurrency takes a whole number of requests in flight, not "${text}"`);
  }
  return Number(text);
}

const READ_ERRORS: Record<string, string> = {
  ENOENT: "does not exist",
  EACCES: "cannot be read: permission denied",
  EISDIR: "is a folder, not a tenants file",
};
/** Far above any real tenants file (ten thousand tenants take about 2 MiB), and far below what would exhaust memory. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** The text of a tenants file, or why it cannot be read: only a regular file of a sane size is read at all. */
async function readTenantsFile(path: string): Promise<{ text: string } | { problem: string }> {
  let handle;
  try {
    // Non-blocking, so that a FIFO is refused below instead of waiting for a writer; a regular file ignores it.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const info = await handle.stat();
    if (!info.isFile()) return { problem: info.isDirectory() ? READ_ERRORS.EISDIR! : "is not a regular file" };
    if (info.size > MAX_FILE_BYTES) return { problem: `is larger than ${MAX_FILE_BYTES / 2 ** 20} MiB` };
    return { text: await handle.readFile("utf8") };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    return { problem: READ_ERRORS[code] ?? `cannot be read (${code || (error as Error).message})` };
  } finally {
    await handle?.close();
  }
}

/** The specs of the file -f names; a file that cannot be read or used ends the command with exit 2. */
async function readSpecs(out: Output, values: FlagValues, command: string): Promise<TenantSpec[]> {
  const path = required(values, "file", command, "tenants.yaml|tenants.json");
  const read = await readTenantsFile(path);
  if ("problem" in read) refuse(out, [{ where: line`${path}`, message: read.problem }]);
  try {
    return (await tenantSpecsFrom(read.text, path)) as TenantSpec[];
  } catch (error) {
    if (error instanceof TenantsFileError) refuse(out, error.issues);
    throw error;
  }
}

/** Runs a batch with progress and Ctrl-C, then prints the report: JSON on stdout, or the summary on stderr. */
async function runBatch(
  { out, values }: CommandContext,
  batch: (options: { signal: AbortSignal; onProgress(progress: TenantsProgress): void }) => Promise<TenantsReport>,
  describe: (index: number) => string,
  closing: (report: TenantsReport) => string,
): Promise<void> {
  const progress = progressOn(out);
  let report: TenantsReport;
  try {
    report = await interruptible(out, (signal) => batch({ signal, onProgress: progress.onProgress }));
  } catch (error) {
    if (error instanceof ValidationError) refuseBatch(out, error, describe);
    throw error;
  } finally {
    progress.done();
  }
  if (values.json) await out.result(jsonText(report));
  out.say(`${reportSummary(report)}.${closing(report)}\n`);
  if (report.failed) throw new ReportedFailure(EXIT_FAILED);
}

/**
 * The tenants of the client's organization, with secrets in `dir` (or in memory, for a plan without one). The
 * module is loaded here, so that the other commands start without it.
 */
async function tenantsOf(context: CommandContext, dir: string | undefined): Promise<Tenants> {
  const { createTenants, fileSecretStore, memorySecretStore } = await import("../tenants/index.js");
  const secrets = dir === undefined ? memorySecretStore() : fileSecretStore(dir);
  return createTenants(context.client(), { secrets });
}

const FAILED_NOTE =
  " Each failed tenant says why above; fix that and run the same command again: it finishes what was begun.";

export const tenantsCommands: Record<string, Command> = {
  "tenants plan": {
    flags: { ...file, ...secretsDir, ...json },
    positionals: [],
    async run(context) {
      const { values, out } = context;
      const specs = await readSpecs(out, values, "tenants plan");
      const dir = typeof values["secrets-dir"] === "string" ? values["secrets-dir"] : undefined;
      const describe = (index: number) => tenantLabel(index, specs[index]);
      const tenants = await tenantsOf(context, dir);
      let plans;
      try {
        plans = await interruptible(out, (signal) => tenants.plan(specs, { signal }));
      } catch (error) {
        if (error instanceof ValidationError) refuseBatch(out, error, describe);
        throw error;
      }
      if (values.json) await out.result(jsonText(plans));
      else {
        const lines = planLines(plans);
        if (lines.length) await out.result(lines.join("\n") + "\n");
      }
      const errors = planErrorLines(plans);
      if (errors.length) out.say(errors.join("\n") + "\n");
      const storeNote =
        dir !== undefined ? "" : " Without --secrets-dir, it is planned as if no secret were stored yet.";
      out.say(`${planSummary(plans)}. Nothing was changed.${storeNote}\n`);
      if (errors.length) throw new ReportedFailure(EXIT_FAILED);
    },
  },
  "tenants apply": {
    flags: { ...file, ...secretsDir, concurrency: { type: "string" }, ...json },
    positionals: [],
    async run(context) {
      const { values, out } = context;
      const dir = required(values, "secrets-dir", "tenants apply", "dir");
      const concurrency = concurrencyOf(values);
      const specs = await readSpecs(out, values, "tenants apply");
      const tenants = await tenantsOf(context, dir);
      await runBatch(
        context,
        (options) => tenants.apply(specs, { ...options, ...(concurrency !== undefined && { concurrency }) }),
        (index) => tenantLabel(index, specs[index]),
        (report) =>
          (report.failed ? FAILED_NOTE : "") +
          // A folder the store refused (one anyone may write to) fails every tenant: it keeps nothing.
          (report.failed < report.tenants.length ? line` Secrets are kept in ${dir}, readable by you alone.` : ""),
      );
    },
  },
  "tenants remove": {
    flags: { ...secretsDir, yes: { type: "boolean" }, ...json },
    positionals: ["service-account"],
    variadic: true,
    async run(context) {
      const { values, positionals } = context;
      const dir = required(values, "secrets-dir", "tenants remove", "dir");
      if (!values.yes) {
        throw new UsageError(
          line`tenants remove permanently deletes ${positionals.join(", ")}: each service account with all its data ` +
            "(databases, tokens, Duckling settings), and its secrets stored in --secrets-dir. Confirm with --yes",
        );
      }
      const tenants = await tenantsOf(context, dir);
      await runBatch(
        context,
        (options) => tenants.remove(positionals, options),
        (index) => line`<service-account> "${positionals[index]}"`,
        (report) =>
          report.failed
            ? FAILED_NOTE
            : " A removed account's data is deleted for good, and its stored secrets with it.",
      );
    },
  },
};
