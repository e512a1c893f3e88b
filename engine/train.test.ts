import assert from "node:assert/strict";
import { test } from "node:test";
import { parseCheckpoint, serializeCheckpoint } from "./checkpoint";
import type { RunConfigInput } from "./config";
import { BUILTIN_CORPUS } from "./corpus/builtin";
import { activationsFromCheckpoint } from "./activations";
import { learningRate } from "./schedule";
import { unigramEntropy } from "./tasks/charlm";
import { Trainer, train, type TrainEvent } from "./train";
import { DEFAULT_RUN_CONFIG } from "./config";
import { Rng } from "./rng";
import { pickToken } from "./sample";

const collect = (config: RunConfigInput) => Array.from(train(config));
const done = (events: TrainEvent[]) => {
  const last = events[events.length - 1];
  assert.equal(last.type, "done");
  return last as Extract<TrainEvent, { type: "done" }>;
};
/** Events without wall-clock values, for bit-for-bit comparisons. */
const numbersOf = (events: TrainEvent[]) =>
  JSON.stringify(events.map((e) => (e.type === "metric" ? { ...e, time: 0, values: { ...e.values, throughput: 0 } } : e.type === "done" ? { ...e, summary: { ...e.summary, runtime: 0, throughput: 0 } } : e)));

const small: RunConfigInput = { task: "charlm", hidden_size: 16, embedding_dim: 8, batch_size: 4, seq_length: 16, steps: 30, eval_every: 10, log_every: 5, sample_every: 15, sample_length: 40, dropout: 0.2 };

test("same config and seed give the same curve bit for bit; another seed does not", () => {
  const a = collect(small), b = collect(small), c = collect({ ...small, seed: 2 });
  assert.equal(numbersOf(a), numbersOf(b));
  assert.notEqual(numbersOf(a), numbersOf(c));
  assert.ok(a.some((e) => e.type === "sample"));
  assert.ok(a.some((e) => e.type === "diagnostic" && e.kind === "grad_flow" && (e.data as { norms: number[] }).norms.length === 16));
});

test("a run resumed from a checkpoint continues exactly like the uninterrupted run", () => {
  for (const cfg of [small, { ...small, task: "repeated_ones", cell: "gru", optimizer: "momentum", learning_rate: 0.1 } as RunConfigInput]) {
    const full = collect(cfg);
    const first = new Trainer({ ...cfg, steps: 12 });
    Array.from(first.run());
    const ck = parseCheckpoint(serializeCheckpoint(first.checkpoint()));
    const rest = Array.from(new Trainer(cfg, { resume: ck }).run());
    const final = (evs: TrainEvent[]) => numbersOf([done(evs)]);
    assert.equal(final(rest), final(full));
  }
});

test("checkpointed at any step boundary mid-run, a resumed run emits the uninterrupted run's events after it, bit for bit", () => {
  // every task, dropout (the RNG), charlm's stream position and samples (the sampling RNG), Adam's moments,
  // a learning-rate schedule, and steps that are not multiples of log_every / eval_every / sample_every
  const configs: RunConfigInput[] = [
    { ...small, optimizer: "adam", lr_schedule: "cosine", warmup_steps: 4 },
    { ...small, task: "repeated_ones", cell: "gru", optimizer: "momentum", learning_rate: 0.1 },
    { task: "delayed_recall", cell: "lstm", hidden_size: 8, batch_size: 4, seq_length: 12, steps: 30, eval_every: 10, log_every: 3, dropout: 0.1, optimizer: "adagrad" },
    { task: "quadrant", hidden_size: 8, steps: 30, eval_every: 7, log_every: 2, dropout: 0.3, layernorm: true },
  ];
  /** Events as numbers, log lines left out (a resumed run opens with its own). */
  const steps = (events: TrainEvent[]) => numbersOf(events.filter((e) => e.type !== "log"));
  /** The events after the step boundary `step`. */
  const after = (events: TrainEvent[], step: number) => events.slice(events.findIndex((e) => e.type === "heartbeat" && e.pass === undefined && e.step === step) + 1);
  for (const cfg of configs) {
    const full = collect(cfg);
    for (const at of [1, 13, 20]) {
      const t = new Trainer(cfg);
      let ck: ReturnType<Trainer["checkpoint"]> | undefined;
      for (const e of t.run()) {
        if (e.type === "heartbeat" && e.pass === undefined && e.step === at) {
          ck = parseCheckpoint(serializeCheckpoint(t.checkpoint()));
          break;
        }
      }
      assert.equal(ck!.step, at);
      const resumed = Array.from(new Trainer(cfg, { resume: ck }).run());
      assert.equal(steps(resumed), steps(after(full, at)), `${cfg.task} resumed at step ${at}`);
      assert.ok(resumed.filter((e) => e.type === "metric").length >= 3);
    }
  }
});

test("a resumed run's clock goes on from its checkpoint's", () => {
  let clock = 0;
  const now = () => (clock += 10); // 10 ms per reading
  const t = new Trainer({ ...small, steps: 10 }, { now });
  Array.from(t.run());
  const ck = parseCheckpoint(serializeCheckpoint(t.checkpoint()));
  assert.ok(ck.elapsed! > 0);
  const resumed = Array.from(new Trainer({ ...small, steps: 20 }, { resume: ck, now }).run());
  const times = resumed.filter((e) => e.type === "metric").map((e) => (e as { time: number }).time);
  assert.ok(times.length > 0 && times.every((s) => s > ck.elapsed!), `times ${times} go on from ${ck.elapsed}`);
  assert.ok(done(resumed).summary.runtime! > ck.elapsed!);
});

test("a huge learning rate ends the run as diverged, with the step, not a crash", () => {
  const events = collect({ ...small, cell: "rnn", activation: "relu", init: "normal", init_std: 2, optimizer: "sgd", learning_rate: 50, grad_clip: 0, steps: 200, eval_every: 1000 });
  const d = done(events);
  assert.equal(d.state, "diverged");
  assert.match(d.message!, /^diverged at step \d+: /);
  assert.ok(d.step > 0 && d.step < 200);
  const last = events.filter((e) => e.type === "metric" && "train_loss" in e.values).at(-1);
  assert.ok(last && last.type === "metric" && last.step === d.step && !Number.isFinite(last.values.train_loss));
});

test("dropout changes nothing at evaluation", () => {
  const t = new Trainer({ ...small, dropout: 0.5 });
  const a = t.evaluate(), b = t.evaluate();
  const noDrop = new Trainer({ ...small, dropout: 0 }); // same seed: same initial weights
  assert.deepEqual(a, b);
  assert.deepEqual(a, noDrop.evaluate());
});

test("SIGTERM-style stop ends at the next step with state stopped", () => {
  const t = new Trainer({ ...small, steps: 1000 });
  const events: TrainEvent[] = [];
  for (const e of t.run()) {
    events.push(e);
    if (e.type === "heartbeat" && e.step === 3) t.requestStop();
  }
  const d = done(events);
  assert.equal(d.state, "stopped");
  assert.equal(d.step, 3);
});

test("long passes yield heartbeats marked with the pass: one per evaluation batch and per sampled character", () => {
  const cfg = { ...small, eval_batches: 3, sample_length: 40 };
  const events = collect(cfg);
  const t = new Trainer(cfg);
  const evalBatches = t.task.evalBatches().length, prime = 1; // the sample starts from one newline
  const beats = (pass?: string) => events.filter((e) => e.type === "heartbeat" && e.pass === pass);
  assert.deepEqual(beats(undefined).map((e) => e.step), Array.from({ length: 30 }, (_, i) => i + 1), "one unmarked heartbeat per step boundary, as before");
  assert.equal(beats("evaluation").length, 3 * evalBatches, "3 evaluations");
  assert.equal(beats("sampling").length, 2 * (prime + 40), "2 samples");
  // every evaluation's heartbeats come right before its val_loss, at that step
  const i = events.findIndex((e) => e.type === "metric" && e.values.val_loss !== undefined);
  assert.deepEqual(events.slice(i - evalBatches, i).map((e) => e.type === "heartbeat" && e.pass === "evaluation" && e.step), Array(evalBatches).fill(10));
  assert.deepEqual(t.evaluate(), new Trainer(cfg).evaluate(), "evaluate() is the same pass, drained");
});

test("weight initialisation reports progress (each tensor, each orthogonalised vector), numbers unchanged", () => {
  let calls = 0;
  const t = new Trainer({ ...small, init: "orthogonal" }, { onProgress: () => calls++ });
  assert.ok(calls > t.model.params.list.length, `${calls} calls for ${t.model.params.list.length} tensors`);
  assert.deepEqual(t.model.params.w, new Trainer({ ...small, init: "orthogonal" }).model.params.w);
});

test("stepTimeGuessMs: ~6 flops per parameter and token, slower on the js backend", () => {
  const a = new Trainer(small), b = new Trainer({ ...small, batch_size: 8 }), js = new Trainer({ ...small, backend: "js" });
  assert.ok(a.stepTimeGuessMs() > 0);
  assert.ok(Math.abs(b.stepTimeGuessMs() / a.stepTimeGuessMs() - 2) < 1e-9);
  if (a.backend.name.startsWith("wasm")) assert.ok(js.stepTimeGuessMs() > a.stepTimeGuessMs());
});

test("schedules: warm-up, step decay, cosine to zero", () => {
  const c = { ...DEFAULT_RUN_CONFIG, learning_rate: 1, steps: 101, warmup_steps: 0 };
  assert.equal(learningRate(7, c), 1);
  assert.equal(learningRate(0, { ...c, warmup_steps: 4 }), 0.25);
  assert.equal(learningRate(3, { ...c, warmup_steps: 4 }), 1);
  assert.equal(learningRate(25, { ...c, lr_schedule: "step", lr_step_every: 10, lr_gamma: 0.5 }), 0.25);
  assert.equal(learningRate(0, { ...c, lr_schedule: "cosine" }), 1);
  assert.ok(Math.abs(learningRate(50, { ...c, lr_schedule: "cosine" }) - 0.5) < 1e-12);
  assert.ok(learningRate(100, { ...c, lr_schedule: "cosine" }) < 1e-12);
});

test("sampling: greedy and top-1 pick the argmax; top-k never leaves the k best", () => {
  const logits = [0.1, 2, -1, 1.5], probs = new Float64Array(4), rng = new Rng(1);
  assert.equal(pickToken(logits, probs, 0, 0, rng), 1);
  for (let i = 0; i < 50; i++) assert.equal(pickToken(logits, probs, 1, 1, rng), 1);
  for (let i = 0; i < 200; i++) assert.ok([1, 3].includes(pickToken(logits, probs, 5, 2, rng)));
});

test("charlm on the shipped corpus: validation loss well below the unigram entropy", () => {
  const h1 = unigramEntropy(BUILTIN_CORPUS);
  const events = collect({ task: "charlm", cell: "lstm", hidden_size: 64, embedding_dim: 16, batch_size: 16, seq_length: 32, steps: 300, eval_every: 100, learning_rate: 0.01, sample_every: 0 });
  const d = done(events);
  assert.equal(d.state, "finished");
  assert.ok(d.summary.val_loss! < 0.75 * h1, `val_loss ${d.summary.val_loss!} vs unigram entropy ${h1}`);
});

test("repeated_ones: a trained RNN reaches full accuracy", () => {
  const d = done(collect({ task: "repeated_ones", cell: "rnn", activation: "relu", hidden_size: 8, embedding_dim: 0, steps: 300, eval_every: 100 }));
  assert.ok(d.summary.val_acc! >= 0.99, `val_acc ${d.summary.val_acc!}`);
});

test("quadrant: the MLP reaches high accuracy with kaiming, and with bad init + layer norm", () => {
  const q = { task: "quadrant", activation: "relu", hidden_size: 32, batch_size: 64, steps: 500, eval_every: 500 } as const;
  const kaiming = done(collect({ ...q, init: "kaiming" })), badLn = done(collect({ ...q, init: "normal", init_std: 3, layernorm: true }));
  assert.ok(kaiming.summary.val_acc! >= 0.95, `kaiming ${kaiming.summary.val_acc!}`);
  assert.ok(badLn.summary.val_acc! >= 0.95, `bad init + layernorm ${badLn.summary.val_acc!}`);
});

test("delayed_recall at delay 40: the LSTM learns it, the vanilla RNN stays near chance (same budget)", () => {
  const cfg = { task: "delayed_recall", delay: 40, vocab_size: 4, hidden_size: 32, embedding_dim: 0, batch_size: 32, steps: 250, eval_every: 250, learning_rate: 0.01 } as const;
  const lstm = done(collect({ ...cfg, cell: "lstm" })), rnn = done(collect({ ...cfg, cell: "rnn" }));
  assert.ok(lstm.summary.val_acc! >= 0.9, `lstm ${lstm.summary.val_acc!}`);
  assert.ok(rnn.summary.val_acc! <= 0.5, `rnn ${rnn.summary.val_acc!}`);
});

test("activations of a trained charlm's layer over a text, from its checkpoint", () => {
  const t = new Trainer({ ...small, cell: "lstm", num_layers: 2 });
  Array.from(t.run());
  const text = 'She said, "Go around."';
  const act = activationsFromCheckpoint(t.checkpoint(), text, 1);
  assert.equal(act.chars.length, text.length);
  assert.equal(act.hidden.length, text.length);
  assert.equal(act.hidden[0].length, 16);
  assert.ok(act.cell && act.cell[0].length === 16);
  assert.ok(act.hidden.flat().every((v) => Math.abs(v) <= 1));
});

test("saturation is a metric: at each evaluation (equal to the saturation diagnostic) and in the summary; none for the MLP", () => {
  const events = collect({ ...small, cell: "rnn", dropout: 0 });
  const evals = events.flatMap((e) => (e.type === "metric" && e.values.val_loss !== undefined ? [e] : []));
  const diags = events.flatMap((e) => (e.type === "diagnostic" && e.kind === "saturation" ? [e] : []));
  assert.equal(evals.length, 3);
  evals.forEach((e, i) => {
    const share = (diags[i].data as { share: number }).share;
    assert.equal(diags[i].step, e.step);
    assert.equal(e.values.saturation, share);
    assert.ok(share! >= 0 && share! <= 1);
  });
  assert.equal(done(events).summary.saturation, evals[2].values.saturation);
  const mlp = collect({ task: "quadrant", activation: "tanh", steps: 20, eval_every: 10 });
  assert.ok(mlp.every((e) => e.type !== "metric" || e.values.saturation === undefined));
});
