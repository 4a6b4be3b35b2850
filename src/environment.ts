// The environment variables the client falls back on, read one at a time and only for what its options leave
// out: Deno without --allow-env throws on every read, and a client given all its options must not need that
// permission. A read the runtime refuses counts as unset, and is remembered so that an error it leads to
// can say why.

/** The environment as the runtime offers it (`process.env`); reading a variable may throw. */
export type Environment = Record<string, string | undefined>;

export interface EnvironmentReader {
  /** The variable's value; undefined when it is unset, empty, or the runtime would not let it be read. */
  read(name: string): string | undefined;
  /** The variables whose reads were refused, in the order they were tried. */
  readonly refused: readonly string[];
}

export function environmentReader(env: Environment): EnvironmentReader {
  const refused: string[] = [];
  return {
    read(name) {
      try {
        const value = env[name];
        return typeof value === "string" && value !== "" ? value : undefined;
      } catch {
        // Deno's NotCapable (PermissionDenied before 2.0), or any other refusal: the same as unset.
        refused.push(name);
        return undefined;
      }
    },
    refused,
  };
}

/**
 * The runtime's environment: `process.env` where there is one (Node, Bun, Deno), else none (Workers). It is
 * looked up at each read, not now, because reaching `process.env` itself can throw in a locked-down runtime:
 * a client given every option never touches it, and a read that throws counts as unset.
 */
export function runtimeEnvironment(): Environment {
  return new Proxy(
    {},
    { get: (_, name) => (globalThis as { process?: { env?: Environment } }).process?.env?.[name as string] },
  );
}
