import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { countRuns, createRun, disconnectPrisma, getRun, listSweeps, sweepRuns } from "../../../prisma/store";
import * as sweepsRoute from "./route";
import * as sweepRoute from "./[id]/route";
import * as pauseRoute from "./[id]/pause/route";
import * as resumeRoute from "./[id]/resume/route";
import * as cancelRoute from "./[id]/cancel/route";
import * as stopRoute from "../runs/[id]/stop/route";
import * as rerunRoute from "../runs/[id]/rerun/route";
import * as agentRoute from "../agent/[action]/route";
import * as corporaRoute from "../corpora/route";

// The sweep API's route handlers called in-process against a real SQLite file (no executor
// runs here: runs stay queued unless a test moves them).

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-api-"));
process.env.DATABASE_URL = `file:${path.join(dir, "api.db")}`;

after(async () => {
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

const post = (body: string, type = "application/yaml") => new Request("http://x/api/sweeps", { method: "POST", body, headers: { "content-type": type } });
const ctx = <T extends string>(key: T, value: string) => ({ params: Promise.resolve({ [key]: value } as Record<T, string>) });
const action = (route: { POST: (req: Request, c: { params: Promise<{ id: string }> }) => Promise<Response> }, id: string) => route.POST(new Request("http://x", { method: "POST" }), ctx("id", id));

const YAML = `
method: grid
metric: { name: val_loss, goal: minimize }
parameters:
  task: { value: quadrant }
  learning_rate: { values: [0.01, 0.1] }
  steps: { value: 20 }
`;

describe("POST /api/sweeps", () => {
  it("rejects a bad config with 400 and the path of every mistake, storing nothing", async () => {
    const before = (await listSweeps()).length;
    const res = await sweepsRoute.POST(post(`method: grid\nparameters:\n  dropout: { min: 0.5, max: 0.1 }\n  hiden_size: { values: [8] }\n`));
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: string; issues: { path: string; message: string }[] };
    const paths = body.issues.map((i) => i.path);
    assert.ok(paths.includes("parameters.dropout.max"), `paths: ${paths.join(", ")}`);
    assert.ok(paths.includes("parameters.hiden_size"), `paths: ${paths.join(", ")}`);
    assert.match(body.error, /^invalid sweep config: /);
    assert.equal((await listSweeps()).length, before);
    const empty = await sweepsRoute.POST(post(""));
    assert.equal(empty.status, 400);
    const notJson = await sweepsRoute.POST(post("{ method: grid", "application/json"));
    assert.equal(notJson.status, 400);
  });

  it("stores W&B YAML and JSON configs (201 { id }) with a seed, and lists and shows them", async () => {
    const res = await sweepsRoute.POST(post(YAML));
    assert.equal(res.status, 201);
    const { id } = (await res.json()) as { id: string };
    const json = await sweepsRoute.POST(post(JSON.stringify({ method: "random", run_cap: 3, seed: 7, parameters: { learning_rate: { min: 0.001, max: 0.1, distribution: "log_uniform_values" } } }), "application/json"));
    assert.equal(json.status, 201);
    const shown = await sweepRoute.GET(new Request("http://x"), ctx("id", id));
    assert.equal(shown.status, 200);
    const body = (await shown.json()) as { sweep: { id: string; state: string; seed: number; config: { seed: number } }; progress: { total: number }; expected: number };
    assert.equal(body.sweep.state, "running");
    assert.equal(body.expected, 2);
    assert.equal(body.progress.total, 0);
    assert.equal(body.sweep.config.seed, body.sweep.seed, "the drawn seed is stored in the config");
    const list = (await (await sweepsRoute.GET(new Request("http://x/api/sweeps"))).json()) as { sweeps: { id: string; progress: unknown }[] };
    assert.ok(list.sweeps.some((s) => s.id === id) && list.sweeps.every((s) => s.progress), "listed with progress");
    const missing = await sweepRoute.GET(new Request("http://x"), ctx("id", "zzzzzzzz"));
    assert.equal(missing.status, 404);
  });
});

describe("warnings in the API's answers (issue 12, issue 17 §3)", () => {
  it("201 with warnings: W&B's log_uniform deprecation, a truncated law, a metric no run logs; and GET repeats them", async () => {
    const res = await sweepsRoute.POST(
      post(`method: random\nrun_cap: 2\nmetric: {name: val_los}\nparameters:\n  task: {value: quadrant}\n  learning_rate: {distribution: log_uniform, min: 0.0001, max: 0.1}\n  init_std: {distribution: normal, mu: 0.5, sigma: 0.2}\n`),
    );
    assert.equal(res.status, 201);
    const body = (await res.json()) as { id: string; warnings: { path: string; message: string }[] };
    assert.deepEqual(body.warnings.map((w) => w.path).sort(), ["metric.name", "parameters.init_std", "parameters.learning_rate.distribution"]);
    assert.match(body.warnings.find((w) => w.path === "metric.name")!.message, /Did you mean "val_loss"\?/);
    assert.match(body.warnings.find((w) => w.path === "parameters.learning_rate.distribution")!.message, /use log_uniform_values$/);
    const shown = (await (await sweepRoute.GET(new Request("http://x"), ctx("id", body.id))).json()) as { warnings: { path: string }[] };
    assert.deepEqual(shown.warnings.map((w) => w.path).sort(), body.warnings.map((w) => w.path).sort(), "the stored config gives the same warnings");
  });

  it("400 for a law that would change, naming the field and the share of draws outside; warnings still come along", async () => {
    const res = await sweepsRoute.POST(post(`method: random\nmetric: {name: val_los}\nparameters:\n  init_std: {distribution: normal, mu: 0.5, sigma: 1}\n`));
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: string; issues: { path: string; message: string }[]; warnings: { path: string }[] };
    assert.match(body.error, /^invalid sweep config: parameters\.init_std\.sigma: 31% of the draws of normal\(mu 0\.5, sigma 1\) fall outside init_std's range/);
    assert.deepEqual(body.warnings.map((w) => w.path), ["metric.name"]);
  });
});

describe("sweep and run state changes", () => {
  it("pauses, resumes, cancels (queued runs stopped) and refuses what the state does not allow", async () => {
    const { id } = (await (await sweepsRoute.POST(post(YAML))).json()) as { id: string };
    const queued = await createRun({ sweepId: id, index: 0, config: {} });
    assert.equal((await action(pauseRoute, id)).status, 200);
    assert.equal(((await (await action(pauseRoute, id)).json()) as { sweep: { state: string } }).sweep.state, "paused", "pausing twice is fine");
    assert.equal((await action(resumeRoute, id)).status, 200);
    const cancelled = await action(cancelRoute, id);
    assert.equal(((await cancelled.json()) as { sweep: { state: string } }).sweep.state, "cancelled");
    assert.equal((await getRun(queued.id))!.state, "stopped");
    const resume = await action(resumeRoute, id);
    assert.equal(resume.status, 409);
    assert.match(((await resume.json()) as { error: string }).error, /cancelled/);
    assert.equal((await action(pauseRoute, "nosuchsweep")).status, 404);
  });

  it("stops a run and re-runs it with the same config and seed", async () => {
    const { id } = (await (await sweepsRoute.POST(post(YAML))).json()) as { id: string };
    const run = await createRun({ sweepId: id, index: 0, config: { seed: 1234, learning_rate: 0.1 }, params: { learning_rate: 0.1 } });
    const busy = await action(rerunRoute, run.id);
    assert.equal(busy.status, 409, "an active run cannot be re-run yet");
    const stopped = await action(stopRoute, run.id);
    assert.equal(stopped.status, 200);
    assert.equal(((await stopped.json()) as { run: { state: string } }).run.state, "stopped");
    assert.equal((await action(stopRoute, run.id)).status, 409, "already ended");
    const rerun = await action(rerunRoute, run.id);
    assert.equal(rerun.status, 201);
    const copy = ((await rerun.json()) as { run: { id: string; config: Record<string, unknown>; rerunOf: string; state: string; index: number } }).run;
    assert.deepEqual([copy.rerunOf, copy.state, copy.index, copy.config.seed], [run.id, "queued", 0, 1234]);
    assert.equal(await countRuns({ sweepId: id }), 2);
    assert.equal((await sweepRuns(id)).filter((r) => r.rerunOf === run.id).length, 1);
    assert.equal((await action(stopRoute, "nosuchrun")).status, 404);
  });
});

describe("agent endpoints", () => {
  const claim = (token?: string) =>
    agentRoute.POST(
      new Request("http://x/api/agent/claim", { method: "POST", body: JSON.stringify({ agent: "a1" }), headers: token ? { authorization: `Bearer ${token}` } : {} }),
      ctx("action", "claim"),
    );

  it("answer 403 with how to enable them when no token is configured, 401 for a wrong token", async () => {
    delete process.env.SWEEPLAB_AGENT_TOKEN;
    const off = await claim("x");
    assert.equal(off.status, 403);
    assert.match(((await off.json()) as { error: string }).error, /SWEEPLAB_AGENT_TOKEN/);
    process.env.SWEEPLAB_AGENT_TOKEN = "s3cret";
    assert.equal((await claim("wrong")).status, 401);
    assert.equal((await claim()).status, 401);
    const unknown = await agentRoute.POST(new Request("http://x", { method: "POST", headers: { authorization: "Bearer s3cret" } }), ctx("action", "nope"));
    assert.equal(unknown.status, 404);
    delete process.env.SWEEPLAB_AGENT_TOKEN;
  });
});

describe("bounded input", () => {
  const issuesOf = async (res: Response) => ((await res.json()) as { error: string; issues: { path: string; message: string }[] });

  it("a sweep config over 256 KiB is a 413; one nested thousands deep a 400 (not a 500 stack overflow)", async () => {
    const before = (await listSweeps()).length;
    const big = await sweepsRoute.POST(post(`${YAML}\n# ${"x".repeat(300 * 1024)}\n`));
    assert.equal(big.status, 413);
    for (const deep of [`{"method":"grid","parameters":{"task":{"value":${"[".repeat(5000)}${"]".repeat(5000)}}}}`, `method: grid\nparameters:\n  task:\n    value:\n      ${"- ".repeat(5000)}1\n`]) {
      const res = await sweepsRoute.POST(post(deep));
      assert.equal(res.status, 400);
      assert.match((await issuesOf(res)).error, /nested/);
    }
    assert.equal((await listSweeps()).length, before);
  });

  it("a run cannot log an unbounded number of points: steps 10,000,000 with log_every 1 is refused, naming log_every", async () => {
    const res = await sweepsRoute.POST(post(`method: grid\nparameters:\n  task: {value: quadrant}\n  steps: {value: 10000000}\n  log_every: {value: 1}\n  eval_every: {value: 1000}\n`));
    assert.equal(res.status, 400);
    const body = await issuesOf(res);
    assert.deepEqual(body.issues.map((i) => i.path), ["parameters.log_every"]);
    assert.match(body.issues[0].message, /10,000,000 points per training metric, more than 100,000: use log_every ≥ 100/);
  });

  it("names and metric names have length limits", async () => {
    const res = await sweepsRoute.POST(post(`method: grid\nname: ${"n".repeat(129)}\nmetric: {name: ${"m".repeat(129)}}\nparameters:\n  task: {value: quadrant}\n`));
    assert.equal(res.status, 400);
    assert.deepEqual((await issuesOf(res)).issues.map((i) => i.path).sort(), ["metric.name", "name"]);
  });

  it("an agent body over its limit is a 413, one nested thousands deep a 400, a report over the point budget a 413", async () => {
    process.env.SWEEPLAB_AGENT_TOKEN = "s3cret";
    process.env.SWEEPLAB_CONCURRENCY = "0"; // the agent route starts the server's executor: no local workers here
    const send = (body: string, name = "report", bearer = credential) =>
      agentRoute.POST(new Request(`http://x/api/agent/${name}`, { method: "POST", body, headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" } }), ctx("action", name));
    let credential = "s3cret"; // the registration token, until the agent has its own credential
    const registered = await send(JSON.stringify({ name: "bounded-a1" }), "register");
    assert.equal(registered.status, 201);
    credential = ((await registered.json()) as { credential: string }).credential;
    assert.equal((await send(`{"events":[],"alive":[],"pad":"${"x".repeat(5 << 20)}"}`)).status, 413);
    const deep = await send(`{"events":[{"runId":"abcd1234","seq":1,"diagnostics":[{"step":1,"kind":"k","data":${"[".repeat(20000)}${"]".repeat(20000)}}]}],"alive":[]}`);
    assert.equal(deep.status, 400);
    const metrics = Array.from({ length: 6_000 }, (_, i) => ({ step: i, time: 0, values: { a: 1, b: 2 } })); // 12,000 points
    const many = await send(JSON.stringify({ events: [{ runId: "abcd1234", seq: 1, metrics }], alive: [] }));
    assert.equal(many.status, 413, "more points than one report may carry");
    assert.match(((await many.json()) as { error: string }).error, /at most \d+ per report/);
    delete process.env.SWEEPLAB_AGENT_TOKEN;
  });
});

describe("corpora: over HTTP a sweep names only a corpus the app knows", () => {
  const upload = (name: string, body: BodyInit) => corporaRoute.POST(new Request(`http://x/api/corpora?name=${encodeURIComponent(name)}`, { method: "POST", body }));
  const charlm = (corpus: string) => `method: grid\nparameters:\n  task: {value: charlm}\n  steps: {value: 20}\n  corpus: {value: "${corpus}"}\n`;

  it("a path, a .. or a device file in a posted config is a 400 naming corpus; nothing is stored", async () => {
    const before = (await listSweeps()).length;
    for (const path of ["/etc/passwd", "../../etc/passwd", "/proc/self/environ", "/dev/zero", "./data/sweeplab.db", "~/.ssh/id_rsa", "C:\\\\Windows\\\\win.ini"]) {
      const res = await sweepsRoute.POST(post(charlm(path)));
      assert.equal(res.status, 400, path);
      const body = (await res.json()) as { error: string; issues: { path: string; message: string }[] };
      assert.equal(body.issues[0].path, "parameters.corpus.value", path);
      assert.match(body.issues[0].message, /is a file path: a corpus is named, never read from the server's disk/);
    }
    const list = await sweepsRoute.POST(post(`method: grid\nparameters:\n  task: {value: charlm}\n  corpus: {values: [builtin, /etc/hostname, nosuchcorpus]}\n`));
    assert.deepEqual(((await list.json()) as { issues: { path: string }[] }).issues.map((i) => i.path), ["parameters.corpus.values.1", "parameters.corpus.values.2"]);
    assert.equal((await listSweeps()).length, before);
  });

  it("uploads a corpus (name, size, sha256; the same text again is a no-op, another text under the name a 409) and a sweep can name it", async () => {
    const text = "To be, or not to be: that is the question.\n".repeat(200);
    const created = await upload("hamlet", text);
    assert.equal(created.status, 201);
    const { corpus } = (await created.json()) as { corpus: { name: string; size: number; sha256: string; chars: number } };
    assert.deepEqual([corpus.name, corpus.size, corpus.chars], ["hamlet", Buffer.byteLength(text), text.length]);
    assert.equal(corpus.sha256, crypto.createHash("sha256").update(text).digest("hex"));
    assert.equal((await upload("hamlet", text)).status, 200);
    const conflict = await upload("hamlet", text + "!");
    assert.equal(conflict.status, 409);
    assert.equal(((await conflict.json()) as { issues: { path: string }[] }).issues[0].path, "name");
    const listed = (await (await corporaRoute.GET()).json()) as { corpora: { name: string }[] };
    assert.deepEqual(listed.corpora.map((c) => c.name).slice(0, 2), ["builtin", "hamlet"]);
    assert.equal((await sweepsRoute.POST(post(charlm("hamlet")))).status, 201);
    const unknown = await sweepsRoute.POST(post(charlm("othello")));
    assert.equal(unknown.status, 400);
    assert.match(((await unknown.json()) as { issues: { message: string }[] }).issues[0].message, /no corpus named "othello": upload it first.*known: builtin, hamlet/);
  });

  it("refuses corpora that are not UTF-8 text, empty, too large, or named like a path", async () => {
    const codes = async (res: Response) => [res.status, ((await res.json()) as { issues: { path: string }[] }).issues[0]?.path];
    assert.deepEqual(await codes(await upload("bin", new Uint8Array([0x41, 0xc3, 0x28, 0xff]))), [400, "text"]);
    assert.deepEqual(await codes(await upload("nul", "a\u0000b")), [400, "text"]);
    assert.deepEqual(await codes(await upload("empty", "")), [400, "text"]);
    assert.deepEqual(await codes(await upload("big", "x".repeat(8 * 1024 * 1024 + 1))), [413, "body"]);
    for (const name of ["../x", "/etc/passwd", ".hidden", "builtin", "a/b"]) assert.deepEqual(await codes(await upload(name, "text")), [400, "name"], name);
    const noName = await corporaRoute.POST(new Request("http://x/api/corpora", { method: "POST", body: "text" }));
    assert.equal(noName.status, 400);
  });
});

describe("conditional parameters (issue 16)", () => {
  const tree = (momentum: string) => `
method: grid
metric: { name: val_loss }
parameters:
  task: { value: quadrant }
  steps: { value: 20 }
  optimizer:
    choices:
      sgd: {}
      momentum:
        momentum: ${momentum}
      adam:
        learning_rate: { value: 0.003 }
  learning_rate: { value: 0.05 }
`;
  it("counts the runs of the tree (1 + 2 + 1) and names the field of a mistake under a choice", async () => {
    const res = await sweepsRoute.POST(post(tree("{ values: [0.5, 0.9] }")));
    assert.equal(res.status, 201);
    const { id } = (await res.json()) as { id: string };
    const shown = (await (await sweepRoute.GET(new Request("http://x"), ctx("id", id))).json()) as { expected: number };
    assert.equal(shown.expected, 4);
    const bad = await sweepsRoute.POST(post(tree("{ values: [0.5, 1.5] }")));
    assert.equal(bad.status, 400);
    const body = (await bad.json()) as { issues: { path: string; message: string }[] };
    assert.deepEqual(body.issues.map((i) => i.path), ["parameters.optimizer.choices.momentum.momentum.values.1"]);
  });
});
