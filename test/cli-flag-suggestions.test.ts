// A near-miss flag gets a suggestion on every command: a flag typed in part (`--flock` for `--flock-size`) and one
// with a letter missing. The CLI runs in-process on each command line; the flags come from its command table.
import { describe, expect, it } from "vitest";
import { runCli } from "../src/cli/main.js";
import { commands } from "../src/cli/commands.js";

const COMMON = ["base-url", "help"];

async function stderrOf(argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = "";
  const code = await runCli(argv, { stdout: () => undefined, stderr: (text) => void (stderr += text) });
  return { code, stderr };
}

/** Near misses of `--flag`: its first words without the last (`--flock` for `--flock-size`), and a letter dropped. */
function nearMisses(flag: string): string[] {
  const words = flag.split("-");
  const partial = words.length > 1 ? [`--${words.slice(0, -1).join("-")}`] : [];
  return [...partial, `--${flag.slice(0, 1)}${flag.slice(2)}`];
}

describe("near-miss flags", () => {
  it("a flag in the wrong case is a near miss: --JSON suggests --json, --FLOCK --flock-size", async () => {
    const json = await stderrOf(["users", "list", "--JSON"]);
    expect(json.code).toBe(2);
    expect(json.stderr).toMatch(/^error: unknown flag --JSON \(did you mean "--json"\?\)$/m);
    const flock = await stderrOf(["ducklings", "set", "svc", "--FLOCK", "3"]);
    expect(flock.stderr).toMatch(/did you mean "--flock-size"/);
    const command = await stderrOf(["USERS", "list"]);
    expect(command.stderr).toMatch(/did you mean "users list"/);
  });

  it("--flock suggests --flock-size", async () => {
    const { code, stderr } = await stderrOf(["ducklings", "set", "svc", "--flock", "3"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: unknown flag --flock \(did you mean "--flock-size"\?\)$/m);
  });

  for (const [name, command] of Object.entries(commands)) {
    it(`${name}: each of its flags is suggested for its near misses`, async () => {
      for (const flag of [...Object.keys(command.flags), ...COMMON]) {
        for (const miss of nearMisses(flag)) {
          const { code, stderr } = await stderrOf([...name.split(" "), miss]);
          expect(code, `${name} ${miss}`).toBe(2);
          expect(stderr, `${name} ${miss}`).toMatch(new RegExp(`did you mean [^)]*"--${flag}"`));
        }
      }
    });
  }

  it("the bare command line and a bare group suggest too", async () => {
    expect((await stderrOf(["--verison"])).stderr).toMatch(/did you mean "--version"/);
    expect((await stderrOf(["tokens", "--descripton"])).stderr).toMatch(/did you mean "--description"/);
  });
});
