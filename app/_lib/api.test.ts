import assert from "node:assert/strict";
import { test } from "node:test";
import { handle } from "./api";

test("a 500 carries no internal error text, only an id that the server's log has too", async () => {
  const logged: unknown[][] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void logged.push(args);
  try {
    const res = await handle(async (_req: Request) => {
      throw new Error("SQLITE_CORRUPT at /srv/sweeplab/data/sweeplab.db: SELECT secret FROM t");
    })(new Request("http://x/api/runs"));
    assert.equal(res.status, 500);
    const body = (await res.json()) as { error: string; issues: unknown[] };
    assert.match(body.error, /^internal error \(id [0-9a-f]{8}\): the details are in the server's log$/);
    assert.doesNotMatch(JSON.stringify(body), /SQLITE|srv|SELECT/);
    const id = /id ([0-9a-f]{8})/.exec(body.error)![1];
    assert.ok(logged.some((args) => String(args[0]).includes(id) && String(args[0]).includes("GET /api/runs") && String(args[1]).includes("SQLITE_CORRUPT")));
  } finally {
    console.error = original;
  }
});
