// Where this process's stdout leads, for bin.ts. Node reopens a closed fd 1 on /dev/null at start-up,
// so "closed" and "/dev/null" look the same from here: both mean a secret written there is lost.
import { fstatSync, statSync } from "node:fs";

export function stdoutIsDiscarded(): boolean {
  try {
    const stdout = fstatSync(1);
    const devNull = statSync("/dev/null");
    return stdout.isCharacterDevice() && stdout.rdev === devNull.rdev;
  } catch {
    return false; // no /dev/null to compare with (Windows): assume stdout leads somewhere
  }
}
