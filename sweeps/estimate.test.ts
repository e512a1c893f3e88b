import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_RUN_CONFIG, resolveRunConfig, type RunConfigInput } from "../engine/config.ts";
import { estimateRunMs, MEASURED_SPEED, type Speed } from "../engine/speed.ts";
import { parseSweepConfig, type SweepConfig } from "./config.ts";
import { calibrateSpeed, CALIBRATION_MIN_RUNS, estimateSweepTime, estimateTimeLeft, meanRunMs, type RunTime } from "./estimate.ts";

const sweep = (input: unknown): SweepConfig => {
  const r = parseSweepConfig(input);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.issues));
  return r.config;
};
const two = { workers: 2, cores: 2 };

const SPAWN = MEASURED_SPEED.spawnMs!;

test("a grid's estimate is the sum of its runs' estimates, shared over the runs at a time, each slot starting its worker once", () => {
  assert.ok(SPAWN > 0);
  const config = sweep({ method: "grid", parameters: { task: { value: "quadrant" }, steps: { value: 100 }, hidden_size: { values: [16, 64] }, dropout: { values: [0, 0.5] } } });
  const runs = [16, 16, 64, 64].map((h) => estimateRunMs(resolveRunConfig({ task: "quadrant", steps: 100, hidden_size: h })));
  const est = estimateSweepTime(config, two)!;
  assert.equal(est.runs, 4);
  // two slots, two workers started; the other two runs take the waiting ones
  assert.ok(Math.abs(est.totalMs - (runs.reduce((a, b) => a + b) + 2 * SPAWN)) < 1e-6);
  assert.equal(est.longestRunMs, Math.max(...runs));
  assert.equal(est.parallel, 2);
  assert.equal(est.wallMs, Math.max(est.totalMs / 2, est.longestRunMs + SPAWN));
  assert.equal(est.upperBound, false);
  // one at a time: one worker started, for the first run
  const alone = estimateSweepTime({ ...config, concurrency: 1 }, two)!;
  assert.ok(Math.abs(alone.totalMs - (est.totalMs - SPAWN)) < 1e-6 && alone.wallMs === alone.totalMs);
  assert.ok(Math.abs(meanRunMs(config)! - alone.totalMs / 4) < 1e-9, "the mean run: one spawn over the sweep's runs");
  // one run: its worker is started for it, whatever the slots
  const one = estimateSweepTime({ ...config, run_cap: 1 }, two)!;
  assert.ok(Math.abs(one.totalMs - (runs[0] + SPAWN)) < 1e-6 && one.wallMs === one.totalMs);
  // replicates repeat each configuration; run_cap cuts the grid
  assert.ok(Math.abs((estimateSweepTime({ ...config, replicates: 3 }, two)!.totalMs - 2 * SPAWN) / (est.totalMs - 2 * SPAWN) - 3) < 1e-9);
  assert.equal(estimateSweepTime({ ...config, run_cap: 2 }, two)!.runs, 2);
  // constants recorded before the spawn term: none
  const { spawnMs: _, ...older } = MEASURED_SPEED;
  assert.ok(Math.abs(estimateSweepTime(config, two, older)!.totalMs - runs.reduce((a, b) => a + b)) < 1e-6);
});

test("a sweep of someone's own program gets no estimate: the engine's speed says nothing of its runs", () => {
  const params = { hidden_size: { values: [16, 64] }, steps: { value: 100 } };
  assert.ok(estimateSweepTime(sweep({ method: "grid", parameters: params }), two));
  assert.equal(estimateSweepTime(sweep({ method: "grid", program: "train.py", parameters: params }), two), null);
  assert.equal(estimateSweepTime(sweep({ method: "grid", command: ["python", "train.py"], parameters: params }), two), null);
  assert.equal(meanRunMs(sweep({ method: "grid", program: "train.py", parameters: params })), null);
});

test("runs at a time: the sweep's concurrency, the server's workers and its cores, whichever is least", () => {
  const config = sweep({ method: "grid", parameters: { task: { value: "quadrant" }, seed: { values: [1, 2, 3, 4, 5, 6] } } });
  assert.equal(estimateSweepTime(config, { workers: 8, cores: 4 })!.parallel, 4);
  assert.equal(estimateSweepTime({ ...config, concurrency: 1 }, { workers: 8, cores: 4 })!.parallel, 1);
  assert.equal(estimateSweepTime(config, { workers: 2, cores: 4 })!.parallel, 2);
  const agentsOnly = estimateSweepTime(config, { workers: 0, cores: 4 })!;
  assert.equal(agentsOnly.wallMs, null);
  assert.ok(agentsOnly.totalMs > 0);
});

test("random and bayes: draws from the space stand for the runs; early stopping makes it an upper bound", () => {
  const config = sweep({ method: "random", run_cap: 50, metric: { name: "val_loss" }, early_terminate: { type: "hyperband", min_iter: 3 }, parameters: { task: { value: "quadrant" }, hidden_size: { values: [32, 32] } } });
  const est = estimateSweepTime(config, two)!;
  assert.equal(est.runs, 50);
  assert.ok(Math.abs(est.totalMs - (50 * estimateRunMs({ ...DEFAULT_RUN_CONFIG, task: "quadrant", hidden_size: 32 }) + 2 * SPAWN)) < 1e-6);
  assert.equal(est.upperBound, true);
  assert.equal(estimateSweepTime({ ...config, run_cap: undefined }, two), null, "no bound on the runs, no estimate");
});

test("a 10,000-run grid is estimated run by run, and takes far longer than a preset", () => {
  const config = sweep({ method: "grid", parameters: { task: { value: "charlm" }, seed: { distribution: "int_uniform", min: 1, max: 100 }, learning_rate: { values: Array.from({ length: 100 }, (_, i) => 0.001 * (i + 1)) } } });
  const est = estimateSweepTime(config, two)!;
  assert.equal(est.runs, 10_000);
  assert.ok(Math.abs(est.totalMs - (10_000 * estimateRunMs(DEFAULT_RUN_CONFIG) + 2 * SPAWN)) / est.totalMs < 1e-9);
  assert.ok(est.wallMs! > 3600_000, "hours, not seconds");
});

// ---- calibration on a server's own runs -----------------------------------------------------

/** Runs of these configs as a machine of `speed` would time them, each off by a fixed ±8% pattern (a real machine's noise). */
function timed(speed: Speed, inputs: RunConfigInput[]): RunTime[] {
  return inputs.map((input, i) => {
    const config = resolveRunConfig(input);
    return { config: config as unknown as Record<string, unknown>, steps: config.steps, ms: estimateRunMs(config, speed) * (1 + 0.08 * Math.sin(1 + 7 * i)) };
  });
}
const SHAPES: RunConfigInput[] = [
  { task: "quadrant", hidden_size: 64, steps: 200 },
  { task: "quadrant", hidden_size: 512, batch_size: 128, steps: 200 },
  { task: "charlm", hidden_size: 32, seq_length: 16, batch_size: 8, steps: 200 },
  { task: "charlm", hidden_size: 128, steps: 200 },
  { task: "charlm", cell: "gru", hidden_size: 64, seq_length: 64, batch_size: 8, steps: 150 },
  { task: "delayed_recall", hidden_size: 32, steps: 500 },
  { task: "repeated_ones", cell: "rnn", hidden_size: 16, steps: 500 },
  { task: "charlm", hidden_size: 256, num_layers: 2, batch_size: 32, steps: 40 },
];
const OTHER_MACHINE: Speed = { startupMs: 400, flopsPerMs: 2e7, msPerCall: 0, msPerElement: 2e-6 };
const error = (c: RunConfigInput, speed: Speed) => estimateRunMs(resolveRunConfig(c), speed) / estimateRunMs(resolveRunConfig(c), OTHER_MACHINE);

test("calibration: the speed of the machine the runs were timed on, start-up and work rate apart", () => {
  const calibration = calibrateSpeed(timed(OTHER_MACHINE, [...SHAPES, ...SHAPES]))!;
  assert.equal(calibration.runs, 16);
  // runs from 0.1 s to 10 s tell start-up from work
  assert.ok(Math.abs(calibration.speed.startupMs / 400 - 1) < 0.15, `start-up ${calibration.speed.startupMs}`);
  assert.ok(Math.abs(calibration.speed.flopsPerMs / 2e7 - 1) < 0.1, `work rate ${calibration.speed.flopsPerMs}`);
  // a config none of the runs had, small and large, within 15% (the recorded speed is off ×2 or more)
  for (const c of [{ task: "charlm", hidden_size: 96, steps: 300 }, { task: "quadrant", hidden_size: 16, steps: 50 }] as RunConfigInput[]) {
    assert.ok(Math.abs(error(c, calibration.speed) - 1) < 0.15, JSON.stringify(c));
    assert.ok(Math.abs(Math.log(error(c, MEASURED_SPEED))) > Math.log(1.9), "this machine is not the recorded one");
  }
});

test("calibration: runs that started their worker price the spawn apart, and a sweep's estimate holds for its cold first run", () => {
  const machine: Speed = { startupMs: 25, spawnMs: 260, flopsPerMs: 3.8e7, msPerCall: 8e-4, msPerBatch: 0.02 };
  // each shape a sweep of three, one at a time: the first run started its worker, the other two took it
  const runs = SHAPES.flatMap((input) => {
    const config = resolveRunConfig(input);
    return [false, false, true].map((spawned, i) => ({ config: config as unknown as Record<string, unknown>, steps: config.steps, spawned, ms: estimateRunMs(config, machine, spawned) * (1 + 0.05 * Math.sin(3 + 5 * i)) }));
  });
  const calibration = calibrateSpeed(runs)!;
  assert.ok(Math.abs(calibration.speed.spawnMs! / 260 - 1) < 0.15 && Math.abs(calibration.speed.startupMs / 25 - 1) < 0.5, JSON.stringify(calibration.speed));
  const sweepOf = (input: RunConfigInput) => sweep({ method: "grid", replicates: 3, concurrency: 1, parameters: Object.fromEntries(Object.entries(input).map(([k, v]) => [k, { value: v }])) });
  for (const input of SHAPES) {
    const truth = meanRunMs(sweepOf(input), machine)!;
    assert.ok(Math.abs(meanRunMs(sweepOf(input), calibration.speed)! / truth - 1) < 0.1, JSON.stringify(input));
  }
  // stored before the executor said (spawned unknown): the cold runs are taken as warm (the small
  // ones left out as outliers), and the smallest sweep's estimate misses its cold run
  const unknown = calibrateSpeed(runs.map((r) => ({ ...r, spawned: null })))!;
  assert.ok(meanRunMs(sweepOf(SHAPES[0]), unknown.speed)! / meanRunMs(sweepOf(SHAPES[0]), machine)! < 0.8);
});

test("calibration: runs all alike, too few runs, a slowed or a hurried run", () => {
  // one shape cannot tell start-up from work: a start-up-bound run's miss goes to start-up, a
  // work-bound run's to the work rate, and that shape is then estimated right
  const slow: Speed = { startupMs: 400, flopsPerMs: 4.5e7, msPerCall: 0 };
  const small = calibrateSpeed(timed(slow, Array.from({ length: 6 }, () => SHAPES[0])))!;
  assert.ok(Math.abs(small.speed.flopsPerMs / 4.5e7 - 1) < 0.05 && Math.abs(small.speed.startupMs / 400 - 1) < 0.1, JSON.stringify(small.speed));
  const same = timed(OTHER_MACHINE, Array.from({ length: 6 }, () => SHAPES[1]));
  const large = calibrateSpeed(same)!;
  assert.ok(Math.abs(estimateRunMs(resolveRunConfig(SHAPES[1]), large.speed) / estimateRunMs(resolveRunConfig(SHAPES[1]), OTHER_MACHINE) - 1) < 0.1);
  assert.ok(Math.abs(large.speed.flopsPerMs / 2e7 - 1) < 0.25, JSON.stringify(large.speed));

  assert.equal(calibrateSpeed(same.slice(0, CALIBRATION_MIN_RUNS - 1)), null);
  assert.ok(calibrateSpeed(same.slice(0, CALIBRATION_MIN_RUNS)));

  const runs = timed(OTHER_MACHINE, [...SHAPES, ...SHAPES]);
  runs[3] = { ...runs[3], ms: runs[3].ms * 10 }; // another program had the core
  runs[10] = { ...runs[10], ms: runs[10].ms / 5 }; // its worker's start-up was counted in the run before
  const robust = calibrateSpeed(runs)!;
  for (const c of SHAPES) assert.ok(Math.abs(error(c, robust.speed) - 1) < 0.15, JSON.stringify(c));
});

test("calibration: runs whose worker shared its core (a benchmark beside them) are left out, not learnt as this server's speed", () => {
  const alone = timed(OTHER_MACHINE, [...SHAPES, ...SHAPES]).map((r) => ({ ...r, cpuPercent: 97 }));
  // most of the runs trained beside other work: 3 to 6 times as long, the worker on a tenth to 40% of a core
  const shared = timed(OTHER_MACHINE, [...SHAPES, ...SHAPES, ...SHAPES]).map((r, i) => ({ ...r, ms: r.ms * (3 + (i % 4)), cpuPercent: 10 + 10 * (i % 4) }));
  const calibration = calibrateSpeed([...shared, ...alone])!;
  assert.equal(calibration.runs, alone.length);
  for (const c of SHAPES) assert.ok(Math.abs(error(c, calibration.speed) - 1) < 0.15, JSON.stringify(c));
  // learnt from every run, the speed would be the loaded machine's
  const unfiltered = calibrateSpeed([...shared, ...alone].map((r) => ({ ...r, cpuPercent: null })))!;
  assert.ok(SHAPES.some((c) => error(c, unfiltered.speed) > 2), "the loaded runs would have made every estimate too long");
  // too few runs alone: the recorded speed
  assert.equal(calibrateSpeed([...shared, ...alone.slice(0, CALIBRATION_MIN_RUNS - 1)]), null);
});

test("calibration: a run is priced on the steps it trained, and runs without steps or time are left out", () => {
  // runs planned for 400 steps, stored as having trained 100 or 400: priced as 100- and 400-step runs
  const trained = timed(OTHER_MACHINE, [100, 400, 100, 400, 100, 400].map((steps) => ({ task: "charlm", steps })));
  const planned = trained.map((r) => ({ ...r, config: { ...r.config, steps: 400 } }));
  assert.deepEqual(calibrateSpeed(planned), calibrateSpeed(trained));
  assert.notDeepEqual(calibrateSpeed(planned.map((r) => ({ ...r, steps: 400 }))), calibrateSpeed(trained));
  const full = trained.slice(0, 4);
  assert.equal(calibrateSpeed([...full, { ...full[0], steps: 0 }, { ...full[0], ms: 0 }, { ...full[0], ms: NaN }]), null);
  assert.equal(calibrateSpeed([...full, { ...full[0], ms: 1234 }])?.runs, 5);
});

// ---- a running sweep's time left --------------------------------------------------------------

test("time left: runs training now at their own pace, then the queued and the rest in turn on the free slots", () => {
  const speed: Speed = { startupMs: 100, flopsPerMs: 4.5e7, msPerCall: 0 };
  const config = sweep({ method: "grid", parameters: { task: { value: "quadrant" }, steps: { value: 400 }, hidden_size: { values: [16, 32, 64, 128] } } });
  const est = (h: number) => estimateRunMs(resolveRunConfig({ task: "quadrant", steps: 400, hidden_size: h }), speed);
  const quadrant = (h: number) => ({ task: "quadrant", steps: 400, hidden_size: h });
  // a run a quarter done after 3 s of training (3.1 s with its 100 ms start-up) has 9 s left, whatever its
  // estimate; one at step 0 has its estimate less what it ran
  const one = estimateTimeLeft({ config, running: [{ config: quadrant(64), lastStep: 100, elapsedMs: 3100 }], queued: [], toPropose: 0, parallel: 2, speed })!;
  assert.equal(one.ms, 9000);
  // the pace leaves the start-up out: 4 steps in, 20 ms after it, 396 steps at 5 ms (with it, 30 ms a step)
  const early = estimateTimeLeft({ config, running: [{ config: quadrant(64), lastStep: 4, elapsedMs: 120 }], queued: [], toPropose: 0, parallel: 2, speed })!;
  assert.equal(early.ms, 1980);
  // resumed after a restart: its time since it first started spans the gap; its 300 steps left go at the estimate
  const resumed = estimateTimeLeft({ config, running: [{ config: quadrant(64), lastStep: 100, elapsedMs: 600_000, resumed: true }], queued: [], toPropose: 0, parallel: 2, speed })!;
  assert.ok(Math.abs(resumed.ms - ((est(64) - 100) * 300) / 400) < 1e-9);
  // with its worker's own time at its last reported step: that pace, less what it trained since the report
  // (an agent's run at step 2000 after 0.5 s of training, heard of 1.5 s later: 38,000 steps at 0.25 ms, 1.5 s of them done)
  const q40k = { task: "quadrant", steps: 40000, hidden_size: 16 };
  const heard = estimateTimeLeft({ config, running: [{ config: q40k, lastStep: 2000, elapsedMs: 2100, runtimeMs: 500 }], queued: [], toPropose: 0, parallel: 2, speed })!;
  assert.equal(heard.ms, 8000);
  // resumed: its worker's time goes on from the checkpoint's, without the gap; nothing is taken off
  const resumedTimed = estimateTimeLeft({ config, running: [{ config: q40k, lastStep: 2000, elapsedMs: 600_000, runtimeMs: 500, resumed: true }], queued: [], toPropose: 0, parallel: 2, speed })!;
  assert.equal(resumedTimed.ms, 9500);
  // a report just in: its pace, nothing below zero at the end
  assert.equal(estimateTimeLeft({ config, running: [{ config: q40k, lastStep: 40000, elapsedMs: 10_200, runtimeMs: 10_000 }], queued: [], toPropose: 0, parallel: 2, speed })!.ms, 0);
  assert.equal(one.upperBound, false);
  const fresh = estimateTimeLeft({ config, running: [{ config: quadrant(64), lastStep: 0, elapsedMs: 50 }], queued: [], toPropose: 0, parallel: 2, speed })!;
  assert.ok(Math.abs(fresh.ms - (est(64) - 50)) < 1e-9);
  // two slots: 9 s and 1 s left; the queued 128 goes to the second, then the 16
  const two = estimateTimeLeft({
    config,
    running: [{ config: quadrant(64), lastStep: 100, elapsedMs: 3100 }, { config: quadrant(32), lastStep: 300, elapsedMs: 3100 }],
    queued: [{ config: quadrant(128) }, { config: quadrant(16) }],
    toPropose: 0,
    parallel: 2,
    speed,
  })!;
  const slots = [9000, 1000];
  for (const h of [128, 16]) slots[slots.indexOf(Math.min(...slots))] += est(h);
  assert.ok(Math.abs(two.ms - Math.max(...slots)) < 1e-9);
  // runs still to propose: the sweep's mean run each (its four sizes); one slot takes them all in turn
  const mean = [16, 32, 64, 128].reduce((s, h) => s + est(h), 0) / 4;
  const later = estimateTimeLeft({ config, running: [], queued: [], toPropose: 3, parallel: 1, speed })!;
  assert.ok(Math.abs(later.ms - 3 * mean) < 1e-6);
  assert.ok(Math.abs(meanRunMs(config, speed)! - mean) < 1e-6);
  assert.equal(estimateTimeLeft({ config, running: [], queued: [], toPropose: 2, parallel: 1, speed, meanRunMs: 500 })!.ms, 1000, "a mean the caller kept");
  const many = estimateTimeLeft({ config, running: [], queued: [], toPropose: 4001, parallel: 2, speed })!;
  assert.ok(Math.abs(many.ms / ((4001 * mean) / 2) - 1) < 0.001, "a long queue fills both slots evenly");
  // early termination: at most; no slot: no answer
  assert.equal(estimateTimeLeft({ config: { ...config, early_terminate: { type: "hyperband", min_iter: 1, eta: 3, strict: true } } as SweepConfig, running: [], queued: [], toPropose: 1, parallel: 1, speed })!.upperBound, true);
  assert.equal(estimateTimeLeft({ config, running: [], queued: [], toPropose: 1, parallel: 0, speed }), null);
});
