// Debian's chromium driven by playwright-core (never a downloaded browser), the login step every
// test starts with, and screenshots saved as artefacts under artifacts/screenshots.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";

export const SCREENSHOTS = fileURLToPath(new URL("../../../../artifacts/screenshots", import.meta.url));

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-quic",
      "--no-first-run",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  // A loaded 2-core machine is slow; waits poll for up to this long.
  page.setDefaultTimeout(30_000);
  return page;
}

/** Opens `path`, is sent to the login page, signs in and lands back on `path`. */
export async function login(page: Page, baseUrl: string, username: string, password: string, path = "/dags"): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await page.waitForURL(/\/login\?next=/);
  await page.fill("#username", username);
  await page.fill("#password", password);
  await Promise.all([page.waitForURL((url) => url.pathname === path), page.click("button[type=submit]")]);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
