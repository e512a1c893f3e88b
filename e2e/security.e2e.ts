import { expect, test } from "@playwright/test";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { Readable } from "node:stream";
import { ROOT, screen } from "./runs-util";
import { startOwnServer, type OwnServer } from "./own-server";

// The trust boundary is the HTTP edge, probed as an attacker would, against the real server
// (`next start`, proxy.ts in front of every route): a server file named as a corpus, a
// cross-site POST, a foreign Host (DNS rebinding), oversized and deeply nested bodies; and a
// second server listening beyond loopback, which needs its access token for pages and API.

const PORT = Number(process.env.E2E_PORT ?? 3100);
const BASE = `http://127.0.0.1:${PORT}`;

/** A raw HTTP request (node's http: any Host header, any body stream). */
function raw(options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Readable; port?: number }): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: options.port ?? PORT, method: options.method ?? "GET", path: options.path, headers: options.headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject);
    if (options.body instanceof Readable) options.body.pipe(req);
    else req.end(options.body);
  });
}

const SWEEP = "method: grid\nparameters:\n  task: {value: quadrant}\n  steps: {value: 10}\n";

test("a server file named as a corpus is refused, naming corpus; the text trains only when uploaded and named", async ({ page, request }) => {
  for (const corpus of ["/etc/passwd", "../../../../etc/passwd", "/proc/self/environ", "/dev/zero", ".tmp/e2e/e2e.db"]) {
    const res = await request.post("/api/sweeps", { data: `method: grid\nparameters:\n  task: {value: charlm}\n  steps: {value: 20}\n  corpus: {value: "${corpus}"}\n`, headers: { "content-type": "application/yaml" } });
    expect(res.status(), corpus).toBe(400);
    const body = (await res.json()) as { issues: { path: string; message: string }[] };
    expect(body.issues[0].path).toBe("parameters.corpus.value");
    expect(body.issues[0].message).toContain("is a file path");
  }

  // upload a text on the Corpora page, then train a sweep that names it
  const text = "abba abab baba ".repeat(400);
  const file = path.join(ROOT, ".tmp", "e2e", "ab-corpus.txt");
  fs.writeFileSync(file, text);
  await page.goto("/corpora");
  await page.getByTestId("corpus-file").setInputFiles(file);
  await expect(page.getByTestId("corpus-name")).toHaveValue("ab-corpus");
  await page.getByTestId("corpus-submit").click();
  await expect(page.getByTestId("corpus-message")).toContainText("Added ab-corpus");
  await expect(page.getByTestId("corpus-row").filter({ hasText: "ab-corpus" })).toContainText("5.9 KiB");
  await screen(page, "corpora-page");
  // the sweep form offers it by name
  await page.goto("/sweeps/new");
  await page.getByTestId("add-param").selectOption("corpus");
  await page.getByTestId("mode-corpus-values").click(); // added Fixed at its default; a list shows every choice
  await expect(page.getByRole("group", { name: "corpus values" })).toContainText("ab-corpus");
  await expect(page.getByRole("group", { name: "corpus values" })).toContainText("builtin");

  const created = await request.post("/api/sweeps", {
    data: { method: "grid", parameters: { task: { value: "charlm" }, corpus: { value: "ab-corpus" }, steps: { value: 20 }, hidden_size: { value: 8 }, seq_length: { value: 8 }, batch_size: { value: 2 }, eval_every: { value: 10 }, sample_every: { value: 10 }, sample_length: { value: 30 } } },
  });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const firstRun = async () => ((await (await request.get(`/api/runs?sweep=${id}`)).json()) as { runs: { id: string; state: string; error: string | null }[] }).runs[0];
  await expect.poll(async () => (await firstRun())?.state ?? "none", { timeout: 60_000 }).toBe("finished");
  const run = await firstRun();
  const samples = (await (await request.get(`/api/runs/${run.id}/samples`)).json()) as { samples: { text: string }[] };
  expect(samples.samples.length).toBeGreaterThan(0);
  for (const s of samples.samples) expect(s.text).toMatch(/^[ab ]*$/);
  await page.goto(`/runs/${run.id}`);
  await expect(page.getByTestId("run-corpus")).toContainText("ab-corpus (5.9 KiB, sha256");
  await screen(page, "run-corpus");
});

test("a cross-site POST is refused (403 with the error shape), text/plain included; the app's own pages still post", async ({ page, request }) => {
  const before = ((await (await request.get("/api/sweeps")).json()) as { total: number }).total;
  for (const [origin, type] of [["https://evil.example", "text/plain"], ["https://evil.example", "application/x-www-form-urlencoded"], ["null", "text/plain"], [`http://127.0.0.1:${PORT + 1}`, "application/json"]]) {
    const res = await raw({ method: "POST", path: "/api/sweeps", headers: { origin, "content-type": type }, body: SWEEP });
    expect(res.status, `${origin} ${type}`).toBe(403);
    expect(JSON.parse(res.body)).toEqual({ error: expect.stringContaining("cross-site request refused"), issues: [] });
  }
  expect((await raw({ method: "POST", path: "/api/runs/xxxx/stop", headers: { "sec-fetch-site": "cross-site" } })).status).toBe(403);
  // a page of another site in a real browser: its form post to the app is refused
  await page.setContent(`<form method="post" action="${BASE}/api/sweeps" enctype="text/plain"><input name="method: grid\nparameters:\n  task: {value: quadrant}\n#" value="x"></form>`);
  const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith("/api/sweeps")), page.locator("form").evaluate((f: HTMLFormElement) => f.submit())]);
  expect(response.status()).toBe(403);
  await page.waitForURL(/\/api\/sweeps$/); // the refused form post is a navigation: let it end before the next one
  expect(((await (await request.get("/api/sweeps")).json()) as { total: number }).total).toBe(before);
  // the app's own fetch (Origin = the app) goes through
  await page.goto("/sweeps");
  const status = await page.evaluate(async (yaml) => (await fetch("/api/sweeps", { method: "POST", body: yaml, headers: { "content-type": "text/plain" } })).status, SWEEP);
  expect(status).toBe(201);
});

test("a request for a host this server does not serve is refused (DNS rebinding)", async () => {
  for (const host of [`evil.example:${PORT}`, `127.0.0.1.nip.io:${PORT}`, `localhost.evil.example:${PORT}`]) {
    for (const p of ["/api/runs?limit=1", "/", "/api/corpora"]) {
      const res = await raw({ path: p, headers: { host } });
      expect(res.status, `${host} ${p}`).toBe(403);
      expect(JSON.parse(res.body).error).toContain("does not serve the host");
    }
  }
  for (const host of [`127.0.0.1:${PORT}`, `localhost:${PORT}`]) expect((await raw({ path: "/api/runs?limit=1", headers: { host } })).status).toBe(200);
  // and no other site may frame the app's pages
  const page = await raw({ path: "/sweeps" });
  expect([page.headers["x-frame-options"], page.headers["content-security-policy"], page.headers["x-content-type-options"]]).toEqual(["DENY", "frame-ancestors 'none'", "nosniff"]);
});

test("oversized bodies are a 413 while they stream, deep documents a 400, and the server stays up", async () => {
  // 64 MiB, chunked (no Content-Length), produced as it is sent
  let sent = 0;
  const chunk = Buffer.alloc(1 << 20, 0x61);
  const stream = new Readable({
    read() {
      this.push(sent++ < 64 ? chunk : null);
    },
  });
  const big = await raw({ method: "POST", path: "/api/sweeps", headers: { "content-type": "text/plain", "transfer-encoding": "chunked" }, body: stream });
  expect(big.status).toBe(413);
  expect(JSON.parse(big.body).error).toContain("larger than 256 KiB");
  for (const deep of [`{"method":"grid","parameters":{"task":{"value":${"[".repeat(10000)}${"]".repeat(10000)}}}}`, `method: grid\nparameters:\n  task:\n    value:\n      ${"- ".repeat(10000)}1\n`]) {
    const res = await raw({ method: "POST", path: "/api/sweeps", headers: { "content-type": "text/plain" }, body: deep });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error).toContain("nested");
  }
  expect((await raw({ path: "/api/runs?limit=1" })).status).toBe(200);
});

test.describe("a server listening beyond loopback", () => {
  const TOKEN = "e2e-access-token-0123456789abcdef";
  let server: OwnServer;
  let port = 0;
  let base = "";

  test.beforeAll(async () => {
    server = await startOwnServer("shared", { host: "0.0.0.0", env: { SWEEPLAB_ACCESS_TOKEN: TOKEN, SWEEPLAB_ALLOWED_HOSTS: "sweeplab.test" } });
    ({ port, base } = server);
  });
  test.afterAll(() => server?.stop());

  test("pages and API need the access token (bearer or the session cookie of the sign-in page)", async ({ page }) => {
    expect((await fetch(`${base}/api/runs?limit=1`)).status).toBe(401);
    expect((await fetch(`${base}/api/runs?limit=1`, { headers: { authorization: "Bearer wrong-token-wrong-token" } })).status).toBe(401);
    expect((await fetch(`${base}/api/runs?limit=1`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await raw({ port, path: "/api/runs?limit=1", headers: { host: `sweeplab.test:${port}`, authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await raw({ port, path: "/api/runs?limit=1", headers: { host: `evil.example:${port}`, authorization: `Bearer ${TOKEN}` } })).status).toBe(403);

    // a browser is sent to the sign-in page, and back to where it was going
    await page.goto(`${base}/sweeps?x=1`);
    await expect(page).toHaveURL(/\/login\?next=%2Fsweeps%3Fx%3D1$/);
    await page.getByTestId("login-token").fill("not-the-token");
    await page.getByTestId("login-submit").click();
    await expect(page.getByTestId("login-error")).toBeVisible();
    await screen(page, "login-refused");
    await page.getByTestId("login-token").fill(TOKEN);
    await page.getByTestId("login-submit").click();
    await expect(page).toHaveURL(`${base}/sweeps?x=1`);
    const cookie = (await page.context().cookies(base)).find((c) => c.name === "sweeplab_session")!;
    expect([cookie.httpOnly, cookie.sameSite]).toEqual([true, "Strict"]);
    expect((await page.request.get(`${base}/api/runs?limit=1`)).status()).toBe(200);
    // signing out ends it
    await page.getByTestId("sign-out").click();
    await expect(page).toHaveURL(/\/login$/);
    expect((await page.request.get(`${base}/api/runs?limit=1`)).status()).toBe(401);
  });
});
