import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { accessConfig, checkRequest, hostnameOf, safeNext, sameSecret, SESSION_COOKIE, SESSION_MAX_AGE_S, sessionValid, sessionValue } from "./access";

// The rules of app/_server/access.ts, request by request (proxy.ts applies them to every
// request of the real server; e2e/security.e2e.ts checks them there).

const TOKEN = "0123456789abcdef0123456789abcdef";
const loopback = accessConfig({ HOST: "127.0.0.1" });
const shared = accessConfig({ HOST: "0.0.0.0", SWEEPLAB_ACCESS_TOKEN: TOKEN, SWEEPLAB_ALLOWED_HOSTS: "sweeplab.lan, 10.0.0.5" });

const request = (path: string, init: { method?: string; host?: string; headers?: Record<string, string> } = {}) =>
  new Request(`http://${init.host ?? "127.0.0.1:3000"}${path}`, { method: init.method ?? "GET", headers: { host: init.host ?? "127.0.0.1:3000", ...init.headers } });
const verdict = (req: Request, config = loopback) => {
  const v = checkRequest(req, config);
  return v.ok ? "ok" : v.status;
};

describe("access rules", () => {
  it("serve only the hosts of this server: a rebound foreign name is refused", () => {
    for (const host of ["127.0.0.1:3000", "localhost:3000", "[::1]:3000", "LOCALHOST"]) assert.equal(verdict(request("/", { host })), "ok", host);
    for (const host of ["evil.example:3000", "127.0.0.1.nip.io:3000", "localhost.evil.example", "", "10.0.0.5:3000"]) assert.equal(verdict(request("/api/runs", { host })), 403, host);
    assert.equal(verdict(request("/", { host: "sweeplab.lan:3000", headers: { authorization: `Bearer ${TOKEN}` } }), shared), "ok", "a configured name");
    assert.equal(verdict(request("/", { host: "10.0.0.5", headers: { authorization: `Bearer ${TOKEN}` } }), shared), "ok");
    assert.equal(verdict(request("/", { host: "10.0.0.6", headers: { authorization: `Bearer ${TOKEN}` } }), shared), 403);
    assert.deepEqual([hostnameOf("[::1]:80"), hostnameOf("::1"), hostnameOf("Example.COM:8080")], ["[::1]", "[::1]", "example.com"]);
  });

  it("refuse a state-changing request from another origin, whatever its content type", () => {
    const post = (headers: Record<string, string>) => verdict(request("/api/sweeps", { method: "POST", headers: { "content-type": "text/plain", ...headers } }));
    assert.equal(post({ origin: "https://evil.example" }), 403);
    assert.equal(post({ origin: "http://127.0.0.1:8080" }), 403, "another port is another origin");
    assert.equal(post({ origin: "null" }), 403, "a sandboxed page or a file");
    assert.equal(post({ "sec-fetch-site": "cross-site" }), 403, "a browser that left Origin out");
    assert.equal(post({ origin: "http://127.0.0.1:3000" }), "ok", "the app's own pages");
    assert.equal(post({}), "ok", "a client that is no web page (curl, the CLI)");
    assert.equal(verdict(request("/api/runs", { headers: { origin: "https://evil.example" } })), "ok", "reads are the browser's same-origin policy's business");
    for (const method of ["PUT", "PATCH", "DELETE"]) assert.equal(verdict(request("/api/x", { method, headers: { origin: "https://evil.example" } })), 403, method);
  });

  it("beyond loopback, every page and API call needs the session cookie or the bearer token; agents keep theirs", () => {
    const host = "sweeplab.lan:3000";
    assert.equal(verdict(request("/api/runs", { host }), shared), 401);
    assert.equal(verdict(request("/", { host }), shared), 401);
    assert.equal(verdict(request("/api/runs", { host, headers: { authorization: `Bearer ${TOKEN}` } }), shared), "ok");
    assert.equal(verdict(request("/api/runs", { host, headers: { authorization: `Bearer ${TOKEN}x` } }), shared), 401);
    assert.equal(verdict(request("/api/runs", { host, headers: { cookie: `other=1; ${SESSION_COOKIE}=${sessionValue(TOKEN)}` } }), shared), "ok");
    assert.equal(verdict(request("/api/runs", { host, headers: { cookie: `${SESSION_COOKIE}=${sessionValue("another-token-of-enough-length")}` } }), shared), 401);
    for (const open of ["/login", "/api/login", "/api/agent/claim"]) assert.equal(verdict(request(open, { host, method: open === "/login" ? "GET" : "POST" }), shared), "ok", open);
    assert.equal(verdict(request("/api/runs"), loopback), "ok", "on loopback without a token, no sign-in");
  });

  it("session cookies expire, and cannot be forged or altered", () => {
    const now = Date.now();
    const value = sessionValue(TOKEN, now);
    assert.ok(sessionValid(value, TOKEN, now + 1000));
    assert.ok(!sessionValid(value, TOKEN, now + (SESSION_MAX_AGE_S + 1) * 1000), "expired");
    const [issued, mac] = value.split(".");
    assert.ok(!sessionValid(`${Number(issued) + 1}.${mac}`, TOKEN, now), "another issue time");
    assert.ok(!sessionValid(`${issued}.${mac.slice(0, -1)}${mac.endsWith("A") ? "B" : "A"}`, TOKEN, now), "an altered mac"); // (its last character changed: "A" alone would be no change 1 time in 64)
    assert.ok(!sessionValid(undefined, TOKEN) && !sessionValid("", TOKEN) && !sessionValid(TOKEN, TOKEN));
    assert.ok(sameSecret(TOKEN, TOKEN) && !sameSecret(TOKEN, TOKEN.slice(1)) && !sameSecret("", TOKEN));
  });

  it("refuse to serve beyond loopback without a token, or with a short one", () => {
    for (const env of [{ HOST: "0.0.0.0" }, { HOST: "::" }, { __NEXT_PRIVATE_ORIGIN: "http://localhost:3000" }, { __NEXT_PRIVATE_ORIGIN: "http://[::1]:3000" }, { HOST: "10.0.0.5" }]) {
      const config = accessConfig(env);
      assert.ok(config.beyondLoopback && config.problem, JSON.stringify(env));
      assert.equal(verdict(request("/"), config), 403);
    }
    for (const env of [{ HOST: "127.0.0.1" }, { HOST: "localhost" }, { HOST: "::1" }, { __NEXT_PRIVATE_ORIGIN: "http://127.0.0.1:3103" }, {}]) assert.equal(accessConfig(env).problem, null, JSON.stringify(env));
    assert.match(accessConfig({ HOST: "127.0.0.1", SWEEPLAB_ACCESS_TOKEN: "short" }).problem ?? "", /too short/);
    assert.ok(accessConfig({ HOST: "10.0.0.5", SWEEPLAB_ACCESS_TOKEN: TOKEN }).hosts.has("10.0.0.5"), "the address it listens on is served");
  });

  it("after sign-in, go only to a path of this server", () => {
    assert.equal(safeNext("/sweeps/abc?x=1"), "/sweeps/abc?x=1");
    for (const bad of ["//evil.example", "/\\evil.example", "https://evil.example", "javascript:alert(1)", "/x\nSet-Cookie: a=b", "", null]) assert.equal(safeNext(bad), "/", String(bad));
  });
});
