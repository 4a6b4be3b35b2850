import type { DucklingConfig } from "../types.js";
import { checkValue } from "../validation/schema.js";
import { call, check, guardScope, send } from "./call.js";
import type { CallOptions, ResourceContext } from "./context.js";
import { changeRule, mergeDucklingConfig, pulseCooldownIssues } from "./duckling-config.js";
import type { DucklingChange } from "./duckling-config.js";

export type { DucklingChange };

/** `md.ducklings`: the size of each user's Ducklings (compute), read and written. */
export interface DucklingsResource {
  /**
   * The Duckling configuration of `username`: its read/write half (`instance_size`, `cooldown_seconds`) and
   * its read-scaling half (also `flock_size`). An admin call (S2): a declared member is refused for anyone else;
   * for your own username the server decides.
   */
  get(username: string, options?: CallOptions): Promise<DucklingConfig>;
  /**
   * Replaces the whole configuration of `username` (a PUT: both halves, every field). A cooldown left out takes
   * the size's default; a Pulse Duckling takes no cooldown, and one given with it is refused before sending.
   * Retried like a read, since a PUT is idempotent. An admin call (S2). The answer may omit a cooldown that was
   * applied: read it again with `get` to be sure.
   *
   * @throws ValidationError when the config breaks the spec or sets a cooldown on Pulse (nothing is sent)
   */
  set(username: string, config: DucklingConfig, options?: CallOptions): Promise<DucklingConfig>;
  /**
   * Changes some fields: reads the configuration, merges the change into each half field by field, and writes
   * the result back with `set`. A half that switches to Pulse loses its cooldown unless the change gives one;
   * a field set to undefined is dropped, so the size's default applies.
   *
   * It is a read followed by a write, not one atomic step: a change someone else writes between the two is
   * overwritten. Keep one writer per user, or use `set` with the whole configuration.
   *
   * @throws ValidationError when the change breaks the spec (nothing is sent), or when the merged configuration
   *   does (after the read, before the write)
   */
  update(username: string, change: DucklingChange, options?: CallOptions): Promise<DucklingConfig>;
}

const GET = "ducklings-getDucklingConfigForUser";
const SET = "ducklings-setDucklingConfigForUser";

export function createDucklingsResource(context: ResourceContext): DucklingsResource {
  // The body is { config }, and the caller's argument is `config`: issues name it so (`config.read_scaling`),
  // as `update` names its argument `change`.
  function checkSet(username: string, config: unknown, callOptions: unknown) {
    return check(
      context,
      SET,
      { path: { username }, body: { config } },
      callOptions,
      (read) => pulseCooldownIssues((read.body as { config?: unknown } | undefined)?.config, "config"),
      "",
    );
  }

  return {
    get: (username, options) => call<DucklingConfig>(context, GET, { path: { username } }, options),

    async set(username, config, callOptions) {
      const { input, options } = checkSet(username, config, callOptions);
      return send<DucklingConfig>(context, SET, input, options);
    },

    async update(username, change, callOptions) {
      // The change travels as the body of this first check, which only reads and checks it.
      const { input, options } = check(context, GET, { path: { username }, body: change }, callOptions, (read) => [
        ...checkValue(changeRule, read.body, "change", "reject"),
        ...pulseCooldownIssues(read.body, "change"),
      ]);
      // The write's scope is checked before the read too, so a refused write sends nothing at all.
      guardScope(context, SET, username);
      const current = await send<DucklingConfig>(context, GET, { path: { username } }, options);
      const config = mergeDucklingConfig(current, input.body as DucklingChange);
      const write = checkSet(username, config, options);
      return send<DucklingConfig>(context, SET, write.input, options);
    },
  };
}
