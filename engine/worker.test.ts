import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { parseCheckpoint } from "./checkpoint";
import { EXIT, parseWorkerMessage, pendingCheckpointPath, type WorkerMessage } from "./protocol";
import { isSystemMetric, SYSTEM_METRICS, systemMetrics } from "./system-metrics";

const workerPath = fileURLToPath(new URL("./worker.ts", import.meta.url));

interface Run {
  messages: WorkerMessage[];
  code: number | null;
}

/** Spawn the worker, write `input`, parse every stdout line; onMessage may signal the child (SIGTERM by default). */
function runWorker(input: string, onMessage?: (m: WorkerMessage, kill: (signal?: NodeJS.Signals) => void) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", workerPath], { stdio: ["pipe", "pipe", "inherit"] });
    const messages: WorkerMessage[] = [];
    let buffered = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const m = parseWorkerMessage(line); // throws on any malformed line
        messages.push(m);
        onMessage?.(m, (signal = "SIGTERM") => child.kill(signal));
      }
    });
    child.on("error", reject);
    child.on("close", (code, signal) => (buffered && signal !== "SIGKILL" ? reject(new Error(`unterminated line ${buffered}`)) : resolve({ messages, code })));
    child.stdin.end(input);
  });
}

test("worker: a run ends with done{finished} and exit code 0; every line is a valid message", async () => {
  const { messages, code } = await runWorker(JSON.stringify({ config: { task: "charlm", steps: 20, eval_every: 10, log_every: 5, sample_every: 10, sample_length: 20, hidden_size: 16, batch_size: 4, seq_length: 16 } }));
  assert.equal(code, EXIT.finished);
  const done = messages.at(-1)!;
  assert.ok(done.type === "done" && done.state === "finished" && done.step === 20);
  assert.ok(messages.some((m) => m.type === "metric" && m.values.val_loss !== undefined));
  assert.ok(messages.some((m) => m.type === "sample"));
  assert.ok(messages.some((m) => m.type === "heartbeat"));
  // before step 1 the worker announces how long a step may keep it silent; every later heartbeat too
  const announced = messages.findIndex((m) => m.type === "heartbeat" && m.stepMs !== undefined);
  assert.ok(announced >= 0 && announced < messages.findIndex((m) => m.type === "metric"), "stepMs announced before the first step");
  assert.ok(messages.slice(announced).every((m) => m.type !== "heartbeat" || (m.stepMs !== undefined && m.stepMs >= 0)));
});

test("worker: system metrics (CPU share, resident memory, wall time per step) after each training log line", async () => {
  const { messages, code } = await runWorker(JSON.stringify({ config: { task: "quadrant", steps: 60, eval_every: 30, log_every: 10 } }));
  assert.equal(code, EXIT.finished);
  const system = messages.filter((m) => m.type === "metric" && Object.keys(m.values).every(isSystemMetric));
  const trainSteps = messages.flatMap((m) => (m.type === "metric" && m.values.train_loss !== undefined ? [m.step] : []));
  assert.deepEqual(system.map((m) => m.type === "metric" && m.step), trainSteps, "one line per training log line, at its step");
  for (const m of system) {
    assert.ok(m.type === "metric");
    assert.deepEqual(Object.keys(m.values).sort(), [...SYSTEM_METRICS].sort());
    const v = m.values as Record<string, number>;
    // a live Node process holds tens of MiB; the step took some time; CPU share is a share of one
    // core (over a few milliseconds it is not bounded by the core count: V8's compiler and GC
    // threads may burst past a container's quota, 357% was seen once)
    assert.ok(v["system/rss_mb"] > 10 && v["system/rss_mb"] < 4096, `rss ${v["system/rss_mb"]}`);
    assert.ok(v["system/step_ms"] > 0, `step_ms ${v["system/step_ms"]}`);
    assert.ok(Number.isFinite(v["system/cpu_percent"]) && v["system/cpu_percent"] >= 0, `cpu ${v["system/cpu_percent"]}`);
  }
});

test("system metrics: differences of two process samples", () => {
  const prev = { wallMs: 1000, step: 10, cpuMicros: 2_000_000, rssBytes: 0 };
  assert.deepEqual(systemMetrics(prev, { wallMs: 3000, step: 20, cpuMicros: 3_500_000, rssBytes: 96 * 2 ** 20 }), { "system/cpu_percent": 75, "system/rss_mb": 96, "system/step_ms": 200 });
  assert.equal(systemMetrics(prev, { ...prev, wallMs: 2000 }), null, "no step");
  assert.equal(systemMetrics(prev, { ...prev, step: 11 }), null, "no time");
});

test("worker: invalid input is an error line and exit code badInput", async () => {
  for (const input of ["not json", JSON.stringify({ config: { hidden_size: -3 } }), JSON.stringify({ config: { nope: 1 } })]) {
    const { messages, code } = await runWorker(input);
    assert.equal(code, EXIT.badInput);
    assert.equal(messages.length, 1);
    assert.equal(messages[0].type, "error");
  }
});

test("worker: SIGTERM stops at the next step, writes the checkpoint, exits with EXIT.stopped", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sweeplab-worker-"));
  const checkpointPath = join(dir, "ck.json");
  let signalled = false;
  const { messages, code } = await runWorker(
    JSON.stringify({ config: { task: "repeated_ones", steps: 1_000_000, log_every: 10, hidden_size: 16 }, checkpointPath }),
    (m, kill) => {
      if (!signalled && m.type === "metric") {
        signalled = true;
        kill();
      }
    },
  );
  assert.equal(code, EXIT.stopped);
  const done = messages.at(-1)!;
  assert.ok(done.type === "done" && done.state === "stopped" && done.step > 0 && done.step < 1_000_000);
  assert.equal(done.type === "done" && done.checkpointPath, checkpointPath);
  const ck = parseCheckpoint(readFileSync(checkpointPath, "utf8"));
  assert.equal(ck.step, done.step);
});

/** Metric lines without their wall-clock values (throughput, the system metrics), for bit-for-bit comparisons. */
const curve = (messages: WorkerMessage[]) =>
  messages.flatMap((m) =>
    m.type === "metric" && Object.keys(m.values).every(isSystemMetric) ? []
    : m.type === "metric" ? [JSON.stringify({ step: m.step, values: { ...m.values, throughput: 0 } })]
    : m.type === "sample" ? [JSON.stringify(m)]
    : [],
  );

test("worker: periodic checkpoints; killed -9 and resumed from the last one, the curve goes on bit for bit", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sweeplab-worker-"));
  // Long enough that the kill lands mid-run on any machine: the worker writes to a pipe, which
  // blocks it once ~64 KB are unread, so when the kill is sent it is at most two pipefuls
  // (~600 steps of these lines) past the checkpoint that triggered it, of ~840 KB in all.
  const config = { task: "charlm", steps: 4000, eval_every: 10, log_every: 3, sample_every: 40, sample_length: 12, hidden_size: 16, batch_size: 4, seq_length: 16, dropout: 0.2 };
  const whole = await runWorker(JSON.stringify({ config }));
  assert.equal(whole.code, EXIT.finished);

  const checkpointPath = join(dir, "run.json");
  let lastCheckpoint = -1, count = 0;
  // (checkpoints are 20 write times apart at least: a few in this short run)
  const first = await runWorker(JSON.stringify({ config, checkpointPath, checkpointEveryMs: 1, checkpointCommit: true }), (m, kill) => {
    if (m.type === "checkpoint") lastCheckpoint = m.step;
    if (m.type === "checkpoint" && ++count === 3) kill("SIGKILL");
  });
  assert.equal(first.code, null, "killed");
  const checkpoints = first.messages.filter((m) => m.type === "checkpoint");
  assert.ok(checkpoints.length >= 3 && lastCheckpoint < config.steps, `checkpoints at ${checkpoints.map((m) => m.step)}`);
  for (const m of checkpoints) assert.ok(m.type === "checkpoint" && m.path === pendingCheckpointPath(checkpointPath, m.step) && existsSync(m.path));
  // the checkpoint line comes after every event of its step
  const at = first.messages.findIndex((m) => m.type === "checkpoint" && m.step === lastCheckpoint);
  assert.ok(first.messages.slice(at + 1).every((m) => m.type === "checkpoint" || !("step" in m) || m.step === undefined || m.step > lastCheckpoint));

  const resumeFrom = pendingCheckpointPath(checkpointPath, lastCheckpoint);
  const rest = await runWorker(JSON.stringify({ config, resumeFrom }));
  assert.equal(rest.code, EXIT.finished);
  assert.ok(rest.messages.some((m) => m.type === "log" && m.message === `resumed from the checkpoint at step ${lastCheckpoint}`));
  const before = first.messages.slice(0, at + 1);
  assert.deepEqual([...curve(before), ...curve(rest.messages)], curve(whole.messages), "no step repeated or missing, every value the same");
  const times = [...before, ...rest.messages].filter((m) => m.type === "metric").map((m) => (m.type === "metric" ? m.time : 0));
  assert.ok(times.every((t, i) => i === 0 || t >= times[i - 1]), "wall time goes on");
});

test("worker: a checkpoint that cannot be written is a warning; the run still finishes", async () => {
  const checkpointPath = join(tmpdir(), "sweeplab-no-such-dir", "x", "run.json");
  const { messages, code } = await runWorker(JSON.stringify({ config: { task: "quadrant", steps: 20, eval_every: 10 }, checkpointPath, checkpointEveryMs: 1 }));
  assert.equal(code, EXIT.finished);
  assert.ok(messages.some((m) => m.type === "log" && m.level === "warn" && /^checkpoint at step \d+ not written: /.test(m.message)));
  const done = messages.at(-1)!;
  assert.ok(done.type === "done" && done.state === "finished" && done.checkpointPath === undefined);
  assert.ok(!messages.some((m) => m.type === "checkpoint"));
});
