import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, describe, it } from "node:test";
import { Servers } from "./agent";

// An agent's servers (--server A,B): real HTTP servers on 127.0.0.1, one of them gone.

const open: http.Server[] = [];
after(() => open.forEach((s) => s.close()));

/** A server answering every request with `status` and its own name; what it was asked, kept. */
async function serve(name: string, status: () => number): Promise<{ url: string; hits: string[]; close: () => Promise<void> }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url!);
    res.writeHead(status(), { "content-type": "text/plain" }).end(name);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  open.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, close: () => new Promise((r) => server.close(() => r())) };
}

/** A URL nothing listens on (a server that was there and is gone). */
async function gone(): Promise<string> {
  const s = await serve("gone", () => 200);
  await s.close();
  return s.url;
}

const get = (servers: Servers, path: string) => servers.fetch(path, () => ({ signal: AbortSignal.timeout(5000) }));

describe("an agent's servers", () => {
  it("goes on to the next server when one refuses the connection, and stays with the one that answered", async () => {
    const dead = await gone();
    const b = await serve("b", () => 200);
    const servers = new Servers(`${dead}, ${b.url}/`);
    assert.deepEqual(servers.urls, [dead, b.url], "the list as given, trailing slashes dropped");
    assert.equal(servers.url, dead);
    const res = await get(servers, "/api/agent/claim");
    assert.equal(await res.text(), "b");
    assert.equal(servers.url, b.url);
    await get(servers, "/two");
    assert.deepEqual(b.hits, ["/api/agent/claim", "/two"]);
  });

  it("moves on from a proxy's 502/503/504, but returns the server's own answers (a 401, a 500) as they are", async () => {
    const proxy = await serve("proxy", () => 503);
    const refusing = await serve("refusing", () => 401);
    const servers = new Servers([proxy.url, refusing.url]);
    const res = await get(servers, "/x");
    assert.equal(res.status, 401, "a refusal is an answer: the next server would refuse too");
    assert.equal(servers.url, refusing.url);
    const broken = await serve("broken", () => 500);
    const alone = new Servers([broken.url, refusing.url]);
    assert.equal((await get(alone, "/y")).status, 500);
    assert.deepEqual(refusing.hits, ["/x"], "a 500 was not sent on to the next server");
  });

  it("when every server is down the request fails (the Runner sends it again later); a last server's 503 is returned as it is", async () => {
    const [x, y] = [await gone(), await gone()];
    const servers = new Servers([x, y]);
    await assert.rejects(get(servers, "/z"), /fetch failed/);
    // the last server answered 503 (no server after it to go to): that answer is returned
    const busy = await serve("busy", () => 503);
    assert.equal((await get(new Servers([x, busy.url]), "/w")).status, 503);
    assert.throws(() => new Servers(" , "), /no server given/);
  });
});
