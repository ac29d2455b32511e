// The file a running `updraft standalone` leaves in UPDRAFT_HOME so the CLI in another terminal
// can reach it: its URL and a local admin token, readable by the owner only.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface StandaloneLink {
  url: string;
  pid: number;
  token: string;
}

const FILE = "standalone.json";

export function writeStandaloneLink(home: string, link: StandaloneLink): void {
  writeFileSync(join(home, FILE), JSON.stringify(link), { mode: 0o600 });
}

export function removeStandaloneLink(home: string): void {
  rmSync(join(home, FILE), { force: true });
}

/** The link of a standalone that is still alive, or null. */
export function readLiveStandalone(home: string): StandaloneLink | null {
  let link: StandaloneLink;
  try {
    link = JSON.parse(readFileSync(join(home, FILE), "utf8")) as StandaloneLink;
  } catch {
    return null;
  }
  try {
    process.kill(link.pid, 0);
    return link;
  } catch {
    return null;
  }
}
