import {
  CHECKPOINT_FORMAT, loadOptimizer, loadParams, loadStates, optimizerSnapshot, paramsSnapshot, statesSnapshot, type Checkpoint,
} from "./checkpoint";
import { resolveRunConfig, type RunConfig, type RunConfigInput } from "./config";
import { buildModel } from "./build";
import { drain } from "./drain";
import { gradFlow, saturation } from "./diagnostics";
import { initParams } from "./init";
import { createBackend, type Backend } from "./kernels";
import type { Model } from "./model";
import { clipGradNorm, Optimizer } from "./optim";
import type { DiagnosticMessage, DoneEvent, HeartbeatMessage, LogMessage, MetricEvent, SampleMessage } from "./protocol";
import { Rng } from "./rng";
import { sampling } from "./sample";
import { estimateMemory, taskSeqLength, wasmMemoryMiB } from "./resources";
import { learningRate } from "./schedule";
import { SeqModel } from "./seqmodel";
import { SummaryTracker } from "./summary";
import { CharLmTask } from "./tasks/charlm";
import { createTask, type Task } from "./tasks";
import type * as z from "zod";

// The training loop. train() is a generator of events and does no I/O: the worker turns the
// events into protocol lines, the CLI into a progress bar, tests into assertions.
//
// Per step (1-based `step` = steps completed): batch → forward → NaN guard → backward →
// global-norm clip → NaN guard → optimizer. Every log_every steps a metric event with
// train_loss (mean since the last log), grad_norm (before clipping), lr, throughput
// (training tokens/s since the last log); every eval_every steps and at the end, val_loss
// (+ val_acc) on the task's fixed held-out batches, with `saturation` (recurrent models: the
// share of tanh units past ±0.99 in the last held-out batch, the lecture's diagnostic), then the
// grad_flow and per-layer saturation diagnostics; every sample_every steps a charlm sample. After every step
// a heartbeat event marks the step boundary (consumers forward it at their own pace). The long
// passes — evaluation, sampling — yield a heartbeat before each piece (an evaluation batch, a
// character) too, marked with `pass`, so the longest stretch between two events is about one
// training step (or the diagnostics' one forward + backward), however many batches or
// characters a pass has. A consumer that counts steps ignores heartbeats with `pass`.

export type TrainEvent =
  | MetricEvent
  | z.infer<typeof SampleMessage>
  | z.infer<typeof LogMessage>
  | z.infer<typeof DiagnosticMessage>
  | HeartbeatEvent
  | DoneEvent;

/** A heartbeat: at a step boundary, or (with `pass`) inside a long pass, after `step` steps. */
export type HeartbeatEvent = Omit<z.infer<typeof HeartbeatMessage>, "stepMs"> & { pass?: "evaluation" | "sampling" };

export interface TrainOptions {
  /** Contents of config.corpus when it is a file path (charlm); the caller reads the file. */
  corpusText?: string;
  /** Continue from this checkpoint (weights, optimizer, RNG, carried state, step). */
  resume?: Checkpoint;
  /** Kernel backend override (tests use the float64 JS backend). */
  backend?: Backend;
  /**
   * Threads for the wasm backend's matrix products (default 1). 2 only for a run that has the
   * machine to itself (the CLI): the server's executor runs one run per core. Results are the
   * same either way, bit for bit.
   */
  threads?: 1 | 2;
  /** Clock in ms (default performance.now); only timing metrics depend on it. */
  now?: () => number;
  /** Called between pieces of the set-up work (weight initialisation: ~10 s for a hidden size of 1024, orthogonal). */
  onProgress?: () => void;
}

/**
 * Flops per millisecond assumed by stepTimeGuessMs: far below what the backends reach (2 shared
 * cores, hidden 1024: wasm ~38 GFLOP/s, js ~6), so the guess is long even on a slow, busy machine.
 */
const GUESS_FLOPS_PER_MS = { wasm: 5e6, js: 1e6 };

const SAMPLE_SALT = 0x5a3b1e;

export class Trainer {
  readonly config: RunConfig;
  readonly task: Task;
  readonly model: Model;
  readonly backend: Backend;
  readonly optimizer: Optimizer;
  readonly rng: Rng;
  readonly sampleRng: Rng;
  /** Steps completed. */
  step = 0;
  private readonly summary = new SummaryTracker();
  private readonly now: () => number;
  private readonly startedAt: number;
  private stopRequested = false;
  private finished = false;
  private window = { lossSum: 0, steps: 0, tokens: 0, since: 0 };
  private readonly notes: string[] = [];

  constructor(configInput: RunConfig | RunConfigInput, opts: TrainOptions = {}) {
    this.config = resolveRunConfig(configInput);
    const c = this.config;
    this.now = opts.now ?? (() => performance.now());
    this.task = createTask(c, opts.corpusText);
    if (opts.backend) this.backend = opts.backend;
    else {
      // the wasm reservation sized to this model (the schema has checked that it fits)
      const memoryMiB = wasmMemoryMiB(estimateMemory(c, { model: this.task.model, evalB: this.task.evalBatches()[0]?.B ?? c.batch_size }));
      const { backend, fallback } = createBackend(c.backend, { threads: opts.threads, memoryMiB });
      this.backend = backend;
      if (fallback) this.notes.push(fallback);
    }
    this.model = buildModel(c, this.task.model, this.backend);
    this.rng = new Rng(c.seed);
    this.sampleRng = Rng.derive(c.seed, SAMPLE_SALT);
    initParams(this.model.params, { ...c, horizon: taskSeqLength(c) }, this.rng, opts.onProgress);
    this.optimizer = new Optimizer(this.backend, c.optimizer, this.model.params, c.momentum, c.weight_decay);
    if (opts.resume) this.restore(opts.resume);
    // a resumed run's clock goes on from the checkpoint's, so its times (and runtime) continue
    this.window.since = this.now();
    this.startedAt = this.window.since - (opts.resume?.elapsed ?? 0) * 1000;
  }

  /** Ask the loop to end before the next step (SIGTERM); it then emits done{state:"stopped"}. */
  requestStop(): void {
    this.stopRequested = true;
  }

  *run(): Generator<TrainEvent, void> {
    const c = this.config;
    for (const note of this.notes) yield { type: "log", level: "warn", message: note };
    yield {
      type: "log",
      level: "info",
      step: this.step,
      message: `${c.task}: ${this.describeModel()}, ${this.model.params.size} parameters, ${c.optimizer} lr ${c.learning_rate}, backend ${this.backend.name}`,
    };
    while (this.step < c.steps) {
      if (this.stopRequested) return yield* this.finish("stopped");
      const failure = this.trainStep();
      if (failure) {
        yield this.trainMetrics();
        yield* this.evaluateAndLog(false);
        return yield* this.finish("diverged", failure);
      }
      const s = this.step;
      if (s % c.log_every === 0 || s === c.steps) yield this.trainMetrics();
      if (s % c.eval_every === 0 || s === c.steps) yield* this.evaluateAndLog(true);
      if (c.task === "charlm" && c.sample_every > 0 && s % c.sample_every === 0) yield* this.sample();
      yield { type: "heartbeat", step: s };
    }
    yield* this.finish("finished");
  }

  /** One optimisation step; returns a divergence message or null. */
  private trainStep(): string | null {
    const c = this.config, be = this.backend, s = this.step;
    const lr = learningRate(s, c);
    const batch = this.task.trainBatch(s, this.rng);
    be.fill(this.model.params.g, 0);
    const r = this.model.forward(batch, "train", true, this.rng);
    const loss = r.lossSum / r.count;
    this.step = s + 1;
    this.lastLr = lr;
    this.window.lossSum += loss;
    this.window.steps++;
    if (!Number.isFinite(loss)) return `diverged at step ${s + 1}: loss is ${loss}`;
    this.model.backward();
    const norm = clipGradNorm(be, this.model.params.g, c.grad_clip);
    this.lastGradNorm = norm;
    if (!Number.isFinite(norm)) return `diverged at step ${s + 1}: gradient norm is ${norm}`;
    this.optimizer.step(lr);
    this.window.tokens += this.task.tokensPerStep;
    return null;
  }

  private lastLr = 0;
  private lastGradNorm = 0;

  private seconds(): number {
    return (this.now() - this.startedAt) / 1000;
  }

  private trainMetrics(): MetricEvent {
    const w = this.window, t = this.now();
    const values: Record<string, number> = {
      train_loss: w.steps ? w.lossSum / w.steps : NaN,
      grad_norm: this.lastGradNorm,
      lr: this.lastLr,
      throughput: t > w.since ? (w.tokens * 1000) / (t - w.since) : 0,
    };
    this.window = { lossSum: 0, steps: 0, tokens: 0, since: t };
    this.summary.record(this.step, values);
    return { type: "metric", step: this.step, time: this.seconds(), values };
  }

  /**
   * A pessimistic guess of one training step's wall time (ms) before any was timed: ~6 flops per
   * parameter and token (forward 2, backward 4) at GUESS_FLOPS_PER_MS.
   */
  stepTimeGuessMs(): number {
    const flops = 6 * this.model.params.size * this.task.tokensPerStep;
    return flops / (this.backend.name.startsWith("wasm") ? GUESS_FLOPS_PER_MS.wasm : GUESS_FLOPS_PER_MS.js);
  }

  /** Mean loss (and accuracy) over the held-out batches. */
  evaluate(): { val_loss: number; val_acc?: number } {
    return drain(this.evaluation());
  }

  /** evaluate(), yielding before each batch. */
  private *evaluation(): Generator<void, { val_loss: number; val_acc?: number }> {
    let lossSum = 0, count = 0, correct = 0;
    for (const batch of this.task.evalBatches()) {
      yield;
      const r = this.model.forward(batch, "eval", false, null);
      lossSum += r.lossSum;
      count += r.count;
      correct += r.correct;
    }
    return this.task.classification ? { val_loss: lossSum / count, val_acc: correct / count } : { val_loss: lossSum / count };
  }

  /** The pieces of a long pass as heartbeats (marked with the pass); the pass's result. */
  private *beats<T>(pass: HeartbeatEvent["pass"], work: Generator<void, T>): Generator<TrainEvent, T> {
    for (;;) {
      const r = work.next();
      if (r.done) return r.value;
      yield { type: "heartbeat", step: this.step, pass };
    }
  }

  private *evaluateAndLog(withDiagnostics: boolean): Generator<TrainEvent> {
    const values: Record<string, number> = yield* this.beats("evaluation", this.evaluation());
    // saturation reads the evaluation's forward: gradFlow's backward overwrites LSTM gates in place
    const sat = withDiagnostics && this.model instanceof SeqModel ? saturation(this.model) : null;
    if (sat?.share != null) values.saturation = sat.share;
    this.summary.record(this.step, values);
    yield { type: "metric", step: this.step, time: this.seconds(), values };
    if (!sat || !(this.model instanceof SeqModel)) return;
    const flow = gradFlow(this.model, this.task.gradFlowProbe?.() ?? { batch: this.task.evalBatches()[0], marks: [] });
    yield { type: "diagnostic", step: this.step, kind: "grad_flow", data: flow };
    yield { type: "diagnostic", step: this.step, kind: "saturation", data: sat };
  }

  private *sample(): Generator<TrainEvent> {
    const c = this.config, task = this.task as CharLmTask;
    const temperature = c.sampling === "greedy" ? 0 : c.temperature;
    const options = { length: c.sample_length, temperature, topK: c.top_k, rng: this.sampleRng };
    const text = yield* this.beats("sampling", sampling(this.model as SeqModel, task.vocab, options));
    yield { type: "sample", step: this.step, temperature, text };
  }

  private *finish(state: DoneEvent["state"], message?: string): Generator<TrainEvent> {
    this.finished = true;
    if (state === "stopped") message = `stopped at step ${this.step}`;
    if (message) yield { type: "log", level: state === "diverged" ? "error" : "info", step: this.step, message };
    yield { type: "done", state, step: this.step, summary: this.summary.summary(this.step, this.seconds()), ...(message ? { message } : {}) };
  }

  get done(): boolean {
    return this.finished;
  }

  private describeModel(): string {
    const c = this.config;
    if (this.task.model.kind === "mlp") return `MLP 2×${c.hidden_size} ${c.activation}${c.layernorm ? " + layernorm" : ""}`;
    return `${c.num_layers}×${c.hidden_size} ${c.cell}${c.layernorm ? " + layernorm" : ""}, ${c.embedding_dim ? `embedding ${c.embedding_dim}` : "one-hot input"}`;
  }

  checkpoint(): Checkpoint {
    return {
      format: CHECKPOINT_FORMAT,
      config: this.config,
      step: this.step,
      rng: this.rng.getState(),
      sampleRng: this.sampleRng.getState(),
      params: paramsSnapshot(this.model),
      optimizer: optimizerSnapshot(this.optimizer),
      states: statesSnapshot(this.model),
      summary: { ...this.summary.values },
      trainWindow: { lossSum: this.window.lossSum, steps: this.window.steps },
      vocab: this.task instanceof CharLmTask ? this.task.vocab.chars : null,
      elapsed: this.seconds(),
    };
  }

  private restore(ck: Checkpoint): void {
    loadParams(this.model, ck.params);
    loadOptimizer(this.optimizer, ck.optimizer);
    loadStates(this.model, ck.states);
    this.rng.setState(ck.rng);
    this.sampleRng.setState(ck.sampleRng);
    this.step = ck.step;
    this.summary.values = { ...ck.summary };
    this.window.lossSum = ck.trainWindow.lossSum;
    this.window.steps = ck.trainWindow.steps;
  }
}

/** Train one run: a generator of events ending with `done`. */
export function* train(config: RunConfig | RunConfigInput, opts: TrainOptions = {}): Generator<TrainEvent, void> {
  yield* new Trainer(config, opts).run();
}
