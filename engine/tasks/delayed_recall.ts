import type { RunConfig } from "../config";
import type { Batch } from "../model";
import { Rng } from "../rng";
import type { GradFlowProbe, ModelShape, Task, TaskInfo } from "./task";

// Long-range memory under distractors, after the classic tasks of Hochreiter & Schmidhuber
// (1997, experiments 2 and 6): a stream of random symbols; at a random step among the first
// RECALL_WINDOW a marker announces that the next symbol is the one to keep; `delay` steps
// after that symbol a cue asks for it, and the network answers at the cue (the only step with
// a loss). Every other input, before and after, is a random symbol of the same alphabet, so
// the network cannot simply ignore the distractors: it has to write on the marker only and
// then hold what it wrote while the stream goes on. An LSTM's gates do exactly that (input
// gate open on the marker, forget gate near 1 after); a vanilla RNN has to learn it through
// ‖∂L/∂h_t‖, which vanishes over the `delay` steps (the run page's gradient flow shows it).
//
// Inputs: symbols 0..vocab_size-1, MARKER = vocab_size, CUE = vocab_size + 1. Classes: the
// vocab_size symbols, chance accuracy 1/vocab_size. Sequence length RECALL_WINDOW + delay + 1;
// seq_length is not used.

/** The marker comes at a random step among the first RECALL_WINDOW (so its position tells nothing). */
export const RECALL_WINDOW = 10;

export function delayedRecallLength(delay: number): number {
  return RECALL_WINDOW + delay + 1;
}

export function delayedRecallShape(config: Pick<RunConfig, "vocab_size">): ModelShape {
  return { kind: "seq", vocab: config.vocab_size + 2, classes: config.vocab_size, head: "many_to_many" };
}

/**
 * B sequences, time-major. `onset`: the marker's step (default random in [0, RECALL_WINDOW));
 * the symbol follows it and the cue comes `delay` steps after the symbol.
 */
export function delayedRecallBatch(delay: number, vocab: number, B: number, rng: Rng, onset?: number): Batch {
  const T = delayedRecallLength(delay), marker = vocab, cue = vocab + 1;
  const inputs = new Int32Array(T * B), targets = new Int32Array(T * B).fill(-1);
  for (let b = 0; b < B; b++) {
    const q = onset ?? rng.int(RECALL_WINDOW);
    for (let t = 0; t < T; t++) inputs[t * B + b] = rng.int(vocab); // distractors
    const symbol = rng.int(vocab);
    inputs[q * B + b] = marker;
    inputs[(q + 1) * B + b] = symbol;
    inputs[(q + 1 + delay) * B + b] = cue;
    targets[(q + 1 + delay) * B + b] = symbol;
  }
  return { T, B, inputs, targets, reset: true };
}

export const DELAYED_RECALL_INFO: TaskInfo = { model: "seq", reads: ["delay", "vocab_size"], unit: "tokens" };

export class DelayedRecallTask implements Task {
  readonly name = "delayed_recall" as const;
  readonly classification = true;
  readonly model: ModelShape;
  readonly tokensPerStep: number;
  private readonly evalSet: Batch[];
  private readonly probe: GradFlowProbe;

  constructor(private readonly config: RunConfig) {
    const { delay, vocab_size: vocab, batch_size: B } = config;
    this.model = delayedRecallShape(config);
    this.tokensPerStep = delayedRecallLength(delay) * B;
    const rng = Rng.derive(config.seed, 0xde1a7);
    this.evalSet = Array.from({ length: config.eval_batches }, () => delayedRecallBatch(delay, vocab, B, rng));
    // the last possible onset puts every cue on the last step, where grad_flow takes the loss
    const q = RECALL_WINDOW - 1;
    this.probe = {
      batch: delayedRecallBatch(delay, vocab, B, Rng.derive(config.seed, 0xf10e), q),
      marks: [
        { t: q + 2, label: "symbol to remember" },
        { t: q + 2 + delay, label: "cue" },
      ],
    };
  }

  trainBatch(_step: number, rng: Rng): Batch {
    return delayedRecallBatch(this.config.delay, this.config.vocab_size, this.config.batch_size, rng);
  }

  evalBatches(): Batch[] {
    return this.evalSet;
  }

  gradFlowProbe(): GradFlowProbe {
    return this.probe;
  }
}
