// The rendered API docs in a real Chromium, offline: every request that is not a file is blocked.
import { execFile } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSpec } from "../scripts/lib/spec.mjs";
import { TOKEN_TYPES, nameRule, ttlRule } from "./helpers/rules.js";
import { chromiumAvailable, launchChromium } from "./helpers/chromium.js";

const root = join(import.meta.dirname, "..");
const docsUrl = pathToFileURL(join(root, "docs/index.html")).href;
const artifacts = join(root, "test/artifacts");
const available = chromiumAvailable("the rendered-docs browser test");

interface Operation {
  operationId: string;
  title: string;
  method: string;
  path: string;
  /** Redoc's route to the operation's page. */
  route: string;
}

/** The library call each operation's TypeScript sample shows. */
const SAMPLE_CALLS: Record<string, string> = {
  "users-createToken": "await md.tokens.create(",
  "users-listTokens": "await md.tokens.list(",
  "users-deleteToken": "await md.tokens.delete(",
  "users-createServiceAccount": "await md.users.createServiceAccount(",
  "users-list": "md.users.iterate(",
  "users-delete": "await md.users.delete(",
  "dashboards-createEmbedSession": "await md.dives.createEmbedSession(",
  "ducklings-getActiveAccounts": "await md.accounts.listActive()",
  "ducklings-getDucklingConfigForUser": "await md.ducklings.get(",
  "ducklings-setDucklingConfigForUser": "await md.ducklings.set(",
};

describe.runIf(available)("the rendered docs, in Chromium", () => {
  let browser: Browser;
  let page: Page;
  let operations: Operation[];
  const blocked: Array<{ url: string; type: string }> = [];

  async function open(operation: Operation) {
    // A fresh load per operation: Redoc renders the routed page, not every page at once.
    await page.goto("about:blank");
    await page.goto(`${docsUrl}#/${operation.route}`);
    const heading = page.getByRole("heading", { name: operation.title }).filter({ visible: true }).first();
    await heading.waitFor({ timeout: 30_000 });
    return heading;
  }

  beforeAll(async () => {
    await promisify(execFile)("npm", ["run", "-s", "docs"], { cwd: root, timeout: 60_000 });
    const spec = await loadSpec(join(root, "openapi.yaml"));
    operations = Object.entries<any>(spec.paths).flatMap(([path, item]) =>
      Object.entries<any>(item).map(([method, op]) => ({
        operationId: op.operationId,
        title: op.summary,
        method: method.toUpperCase(),
        path,
        route: `${op.tags[0]}/${op.operationId.toLowerCase()}`,
      })),
    );
    browser = await launchChromium();
    console.log(`Chromium version: ${browser.version()}`);
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.route("**/*", (route) => {
      const request = route.request();
      if (request.url().startsWith("file:") || request.url() === "about:blank") return route.continue();
      blocked.push({ url: request.url(), type: request.resourceType() });
      return route.abort();
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  const visible = (text: string, options?: { exact?: boolean }) =>
    page.getByText(text, options).filter({ visible: true }).count();

  it("shows every operation's title, method and path, and its TypeScript sample", async () => {
    expect(operations.map((o) => o.operationId).sort()).toEqual(Object.keys(SAMPLE_CALLS).sort());
    for (const operation of operations) {
      const heading = await open(operation);
      await expect(heading.isVisible(), operation.title).resolves.toBe(true);
      // A tag's page can show several operations: look inside this operation's own section.
      const section = page.locator(`[data-section-id="/${operation.route}"]`);
      const endpoint = section
        .locator('[data-component-name="Dropdown/Dropdown"] button')
        .filter({ visible: true })
        .first();
      const shown = (await endpoint.innerText()).replace(/\s+/g, " ").trim();
      expect(shown, operation.title).toBe(`${operation.method} ${operation.path}`);
      const call = SAMPLE_CALLS[operation.operationId]!;
      const sample = section.getByText(call).filter({ visible: true });
      await expect(sample.count(), `${operation.operationId}: ${call}`).resolves.toBeGreaterThan(0);
      const tab = section.getByText("TypeScript", { exact: true }).filter({ visible: true });
      await expect(tab.count(), operation.operationId).resolves.toBeGreaterThan(0);
    }
  });

  it("marks the active-accounts operation as preview", async () => {
    const operation = operations.find((o) => o.operationId === "ducklings-getActiveAccounts")!;
    expect(operation.title).toMatch(/\(preview\)/);
    await open(operation);
    await expect(visible("[Preview]")).resolves.toBeGreaterThan(0);
  });

  describe("the embed-session page", () => {
    beforeAll(async () => {
      await open(operations.find((o) => o.operationId === "dashboards-createEmbedSession")!);
    });

    it("shows the byte caps of required_resources and initial_state", async () => {
      for (const text of ["must be at most 8192 bytes", "must be at most 64 KiB (65536 bytes)"]) {
        await expect(visible(text), text).resolves.toBeGreaterThan(0);
      }
    });

    it("shows session_hint as deprecated", async () => {
      await expect(visible("deprecated alias for session_name")).resolves.toBeGreaterThan(0);
      await expect(visible("deprecated", { exact: true })).resolves.toBeGreaterThan(0);
    });
  });

  describe("the create-token page", () => {
    beforeAll(async () => {
      await open(operations.find((o) => o.route.endsWith("users-createtoken"))!);
    });

    it("shows the scope note", async () => {
      for (const phrase of [
        "Token creation scope.",
        "service accounts within your organization.",
        "Admins cannot create tokens for other members who are not service accounts.",
        "If the optional",
      ]) {
        await expect(page.getByText(phrase).filter({ visible: true }).count(), phrase).resolves.toBeGreaterThan(0);
      }
    });

    it("shows the bounds of ttl and name, and the token_type values", async () => {
      for (const text of [
        `[ ${ttlRule.minimum} .. ${ttlRule.maximum} ]`,
        `[ ${nameRule.minLength} .. ${nameRule.maxLength} ] characters`,
      ]) {
        await expect(page.getByText(text).filter({ visible: true }).count(), text).resolves.toBeGreaterThan(0);
      }
      for (const type of TOKEN_TYPES) {
        await expect(page.getByText(`"${type}"`).filter({ visible: true }).count(), type).resolves.toBeGreaterThan(0);
      }
    });

    it("shows the error bodies", async () => {
      await page.getByRole("button", { name: "403" }).filter({ visible: true }).first().click();
      for (const text of ["Unauthorized", "The error message", "The error code"]) {
        await expect(
          page.getByText(text, { exact: true }).filter({ visible: true }).count(),
          text,
        ).resolves.toBeGreaterThan(0);
      }
    });

    it("shows the TypeScript sample, and saves a screenshot", async () => {
      const sample = page.getByText("await md.tokens.create(").filter({ visible: true }).first();
      await expect(sample.isVisible()).resolves.toBe(true);
      await expect(
        page.getByText("TypeScript", { exact: true }).filter({ visible: true }).count(),
      ).resolves.toBeGreaterThan(0);
      await mkdir(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, "docs-create-token.png") });
    });
  });

  it("needs nothing from the network: the only request it tries is Redoc's attribution logo", () => {
    // Redoc's "API docs by" badge fetches its logo and hides it when that fails; all content is in the file.
    for (const request of blocked) {
      expect(request.type).toBe("image");
      expect(request.url).toMatch(/^https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini(-full)?\.svg$/);
    }
  });
});
