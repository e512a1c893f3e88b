import fs from "node:fs";
import path from "node:path";
import { after } from "node:test";
import { FIXTURES } from "./generate.ts";
import { openWandb, type WandbOpen } from "./wandb.ts";

// Shared by the *.wandb.test.ts files: the committed fixtures (W&B's answers, with provenance)
// and one live W&B engine per test file, opened on first use and closed when the file ends.

export function fixture<T>(name: string): T {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, name), "utf8")) as T;
}

let opening: Promise<WandbOpen> | null = null;

/** W&B's engine for live cross-checks (tests skip with `reason` when it cannot run here). */
export function liveWandb(): Promise<WandbOpen> {
  if (!opening) {
    opening = openWandb();
    after(async () => {
      const o = await opening!;
      if (o.ok) o.wandb.close();
    });
  }
  return opening;
}

export const LIVE_SKIP = (reason: string) => `W&B's engine is not available here: ${reason}`;
