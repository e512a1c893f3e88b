import type { RunConfig } from "../config";
import type { Batch } from "../model";
import { Rng } from "../rng";
import type { Task, TaskInfo } from "./task";

// Recall the symbol seen `delay` steps ago: one of vocab_size symbols, then `delay` random
// distractors (drawn from vocab_size other input symbols, so the symbol to keep is
// recognisable), and at the last step the network must output the first symbol
// (many-to-one). The gradient has to cross `delay` steps, so a vanilla RNN fails at large
// delays while an LSTM succeeds. seq_length is not used: the sequence length is delay + 1.
// Input alphabet 2·vocab_size, classes vocab_size, chance accuracy 1/vocab_size.

export function delayedRecallBatch(delay: number, vocab: number, B: number, rng: Rng): Batch {
  const T = delay + 1;
  const inputs = new Int32Array(T * B), targets = new Int32Array(B);
  for (let b = 0; b < B; b++) inputs[b] = targets[b] = rng.int(vocab); // t = 0: the symbol to recall
  for (let i = B; i < T * B; i++) inputs[i] = vocab + rng.int(vocab); // distractors
  return { T, B, inputs, targets, reset: true };
}

export const DELAYED_RECALL_INFO: TaskInfo = { model: "seq", reads: ["delay", "vocab_size"], unit: "tokens" };

export class DelayedRecallTask implements Task {
  readonly name = "delayed_recall" as const;
  readonly classification = true;
  readonly model;
  readonly tokensPerStep: number;
  private readonly evalSet: Batch[];

  constructor(private readonly config: RunConfig) {
    this.model = { kind: "seq", vocab: 2 * config.vocab_size, classes: config.vocab_size, head: "many_to_one" } as const;
    this.tokensPerStep = (config.delay + 1) * config.batch_size;
    const rng = Rng.derive(config.seed, 0xde1a7);
    this.evalSet = Array.from({ length: config.eval_batches }, () => delayedRecallBatch(config.delay, config.vocab_size, config.batch_size, rng));
  }

  trainBatch(_step: number, rng: Rng): Batch {
    return delayedRecallBatch(this.config.delay, this.config.vocab_size, this.config.batch_size, rng);
  }

  evalBatches(): Batch[] {
    return this.evalSet;
  }
}
