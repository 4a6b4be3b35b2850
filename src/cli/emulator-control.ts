// `motherduck-rest emulator activate|deactivate|advance-time`: a running emulator driven over its control API
// (/_emulator/), with the same MOTHERDUCK_API_BASE_URL (or --base-url) and MOTHERDUCK_TOKEN as every command.
import type { MotherDuckClient } from "../client.js";
import type { ApiError } from "../errors.js";
import { createRedactor } from "../redact.js";
import { apiError } from "../resources/call.js";
import { CONTROL_PREFIX, MAX_ADVANCE_SECONDS } from "../emulator/control.js";
import { UsageError } from "./args.js";
import type { Command } from "./commands.js";
import { parseDuration } from "./duration.js";
import { jsonText, line } from "../printable.js";

const json = { json: { type: "boolean" } } as const;
const ACCOUNTS_ACTIVE = "motherduck-rest accounts active";

/** Sends one control action; an answer other than 2xx becomes the same typed error an API call gives. */
async function control(md: MotherDuckClient, action: string, body: object): Promise<unknown> {
  const { data, error, response } = await md.raw.POST(`${CONTROL_PREFIX}${action}` as never, { body } as never);
  if (response.ok) return data;
  throw apiError(response, error, { operationId: undefined, redact: createRedactor([]) });
}

/** What went wrong with a control call, in the words of someone who started the emulator from the CLI. */
function controlHint(error: ApiError): string | undefined {
  if (error.status === 401 || error.status === 403) {
    return (
      "the control API takes only the emulator's admin token: set MOTHERDUCK_TOKEN to the one " +
      '"motherduck-rest emulator" printed (eval "$(motherduck-rest emulator)" sets it)'
    );
  }
  if (error.status === 404 && error.code !== "NOT_FOUND") {
    return (
      "the server has no emulator control API: --base-url (or MOTHERDUCK_API_BASE_URL) must be the URL " +
      '"motherduck-rest emulator" printed, since a real MotherDuck API has no /_emulator/ routes'
    );
  }
  return undefined;
}

function activation(action: "activate" | "deactivate"): Command {
  return {
    flags: json,
    positionals: ["username"],
    hint: controlHint,
    afterInterrupt: () => line`check with: ${ACCOUNTS_ACTIVE}`,
    async run({ values, positionals: [username], out, client }) {
      const answer = await control(client(), action, { username });
      if (values.json) await out.result(jsonText(answer));
      out.say(
        (action === "activate"
          ? line`Started the Duckling of ${username} on the emulator`
          : line`Stopped every Duckling of ${username} on the emulator`) +
          `; "${ACCOUNTS_ACTIVE}" shows the running ones.\n`,
      );
    },
  };
}

export const emulatorControlCommands: Record<string, Command> = {
  "emulator activate": activation("activate"),
  "emulator deactivate": activation("deactivate"),
  "emulator advance-time": {
    flags: json,
    positionals: ["duration"],
    hint: controlHint,
    async run({ values, positionals: [duration], out, client }) {
      const parsed = parseDuration(duration!, { minimum: 1, maximum: MAX_ADVANCE_SECONDS });
      if ("error" in parsed) throw new UsageError(line`<duration>: ${parsed.error}`);
      const answer = (await control(client(), "advance-time", { seconds: parsed.seconds })) as { now?: unknown };
      if (values.json) await out.result(jsonText(answer));
      out.say(line`Moved the emulator's clock forward by ${duration}; it now reads ${answer.now}.` + "\n");
    },
  },
};
