import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import type { WorkerInput, WorkerMessage } from "../engine/protocol";
import { Runner } from "./executor/runner";
import type { ClaimedRun, RunOutcome, RunQueue } from "./executor/types";
import { defaultWorkerCommand, processLauncher, workerEnv, type Launcher } from "./launcher";

// A worker trains on a corpus it is handed by name, as text: it never opens a path it was
// sent, and it inherits none of its parent's secrets. Real worker processes (dist/worker.cjs).

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-corpus-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const SECRET_FILE = path.join(dir, "secret.txt");
fs.writeFileSync(SECRET_FILE, "QQQQ ZZZZ the secret of the server\n".repeat(200));

/** Run one config through a Runner with an in-memory queue; what it launched and how the run ended. */
async function runOne(config: Record<string, unknown>, options: { corpusText?: (name: string) => Promise<string>; launcher?: Launcher } = {}) {
  const run: ClaimedRun = { id: "r1", name: "r1", sweepId: null, index: 0, config };
  let claimed = false;
  let ended!: (o: RunOutcome) => void;
  const outcome = new Promise<RunOutcome>((resolve) => (ended = resolve));
  const samples: string[] = [];
  const inputs: WorkerInput[] = [];
  const real = options.launcher ?? processLauncher({ command: defaultWorkerCommand() });
  const launcher: Launcher = { launch: (input, onMessage) => (inputs.push(input), real.launch(input, onMessage)) };
  const queue: RunQueue = {
    claim: async () => (claimed ? null : ((claimed = true), run)),
    started: async () => {},
    report: async (_o, report) => {
      for (const e of report.events) samples.push(...(e.samples ?? []).map((s) => s.text));
      return {};
    },
    finish: async (_o, _id, o) => ended(o),
    release: async () => {},
  };
  const runner = new Runner({ queue, launcher, owner: "test", concurrency: 1, pollMs: 50, flushMs: 50, corpusText: options.corpusText });
  runner.start();
  const result = await outcome;
  await runner.shutdown({ stopWorkers: true });
  return { outcome: result, samples, inputs };
}

const charlm = { task: "charlm", steps: 30, hidden_size: 8, embedding_dim: 4, seq_length: 8, batch_size: 2, eval_every: 10, log_every: 5, sample_every: 10, sample_length: 40 };

describe("corpora reach workers as text, never as paths", () => {
  it("a run naming a registered corpus trains on the text it is handed (its samples use only that text's characters)", async () => {
    const asked: string[] = [];
    const text = "abba abab baba ".repeat(300);
    const { outcome, samples, inputs } = await runOne({ ...charlm, corpus: "ab-text" }, { corpusText: async (name) => (asked.push(name), text) });
    assert.equal(outcome.state, "finished", outcome.error ?? "");
    assert.deepEqual(asked, ["ab-text"]);
    assert.equal(inputs[0].corpusText, text);
    assert.ok(samples.length > 0);
    for (const s of samples) assert.match(s, /^[ab ]*$/, `a sample of another text: ${JSON.stringify(s)}`);
  });

  it("a run whose config names a path fails before any worker starts, and the path is never looked up", async () => {
    for (const corpus of [SECRET_FILE, "../../etc/passwd", "/dev/zero", "/proc/self/environ"]) {
      const asked: string[] = [];
      const { outcome, inputs } = await runOne({ ...charlm, corpus }, { corpusText: async (name) => (asked.push(name), "x") });
      assert.equal(outcome.state, "failed");
      assert.match(outcome.error!, /is a file path: a corpus is named, never read from the server's disk/);
      assert.deepEqual([asked, inputs.length], [[], 0], corpus);
    }
  });

  it("a worker handed a charlm config that names a file but no text refuses it instead of reading the file", async () => {
    const messages: WorkerMessage[] = [];
    const handle = processLauncher({ command: defaultWorkerCommand() }).launch({ config: { ...charlm, corpus: SECRET_FILE } as WorkerInput["config"] }, (m) => messages.push(m));
    const exit = await handle.exited;
    assert.equal(exit.code, 2);
    const error = messages.find((m) => m.type === "error");
    assert.match(error?.type === "error" ? error.message : "", /no text was given/);
    assert.ok(!JSON.stringify(messages).includes("QQQQ"));
  });

  it("workers get a minimal environment: no tokens, no database URL, nothing but the allow-list", async () => {
    const parent = { PATH: "/usr/bin", HOME: "/home/x", SWEEPLAB_AGENT_TOKEN: "tok", SWEEPLAB_ACCESS_TOKEN: "acc", DATABASE_URL: "file:x", AWS_SECRET_ACCESS_KEY: "k", LANG: "C.UTF-8" };
    assert.deepEqual(workerEnv(parent), { PATH: "/usr/bin", HOME: "/home/x", LANG: "C.UTF-8" });
    assert.deepEqual(workerEnv({ ...parent, SWEEPLAB_WORKER_ENV: "DATABASE_URL, NOPE" }), { PATH: "/usr/bin", HOME: "/home/x", LANG: "C.UTF-8", DATABASE_URL: "file:x" });
    // a real child process, started while this process holds secrets
    const script = path.join(dir, "env-worker.mjs");
    fs.writeFileSync(script, `process.stdout.write(JSON.stringify({ type: "log", level: "info", message: Object.keys(process.env).join(",") }) + "\\n");`);
    const saved = { ...process.env };
    Object.assign(process.env, { SWEEPLAB_AGENT_TOKEN: "tok", SWEEPLAB_ACCESS_TOKEN: "acc" });
    try {
      const messages: WorkerMessage[] = [];
      await processLauncher({ command: [process.execPath, script] }).launch({ config: charlm as WorkerInput["config"] }, (m) => messages.push(m)).exited;
      const keys = (messages[0]?.type === "log" ? messages[0].message : "").split(",");
      assert.ok(keys.includes("PATH"), keys.join(","));
      for (const secret of ["SWEEPLAB_AGENT_TOKEN", "SWEEPLAB_ACCESS_TOKEN", "DATABASE_URL"]) assert.ok(!keys.includes(secret), `${secret} reached the worker`);
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    }
  });
});
