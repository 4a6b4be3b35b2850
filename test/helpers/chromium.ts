// A headless Chromium for browser tests: where it lives, whether it is there, and how to start it offline.
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";
import type { Browser } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

/**
 * Whether Chromium is installed. Outside CI a missing Chromium skips the caller's tests with a loud warning;
 * in CI it fails the run, since a skipped browser test there would hide exactly what it exists to show.
 */
export function chromiumAvailable(what: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  const message = `Chromium is not installed at ${CHROMIUM}, so ${what} cannot run.`;
  if (process.env.CI) throw new Error(`${message} CI must install it: apt-get install -y chromium`);
  const bar = "!".repeat(100);
  console.warn(`\n${bar}\n!! SKIPPING ${what}. ${message}\n!! Install it: apt-get install -y chromium\n${bar}\n`);
  return false;
}

/** Headless, with every background service that would reach the network turned off. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
