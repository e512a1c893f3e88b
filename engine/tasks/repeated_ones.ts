import type { RunConfig } from "../config";
import type { Backend } from "../kernels/backend";
import { SeqModel } from "../seqmodel";
import type { Batch } from "../model";
import { Rng } from "../rng";
import type { Task, TaskInfo } from "./task";

// Output 1 when two 1s arrive in a row: target_t = x_t AND x_{t-1} (x_{-1} = 0), a bit
// stream of independent sequences (each batch starts from h0). The lecture's hand-built
// solution is handBuiltRepeatedOnes() below.

export function repeatedOnesBatch(T: number, B: number, rng: Rng): Batch {
  const inputs = new Int32Array(T * B), targets = new Int32Array(T * B);
  for (let i = 0; i < T * B; i++) inputs[i] = rng.uniform() < 0.5 ? 1 : 0;
  for (let t = 0; t < T; t++)
    for (let b = 0; b < B; b++) targets[t * B + b] = t > 0 && inputs[t * B + b] === 1 && inputs[(t - 1) * B + b] === 1 ? 1 : 0;
  return { T, B, inputs, targets, reset: true };
}

export const REPEATED_ONES_INFO: TaskInfo = { model: "seq", reads: ["seq_length"], unit: "tokens" };

export class RepeatedOnesTask implements Task {
  readonly name = "repeated_ones" as const;
  readonly classification = true;
  readonly model = { kind: "seq", vocab: 2, classes: 2, head: "many_to_many" } as const;
  readonly tokensPerStep: number;
  private readonly evalSet: Batch[];

  constructor(private readonly config: RunConfig) {
    this.tokensPerStep = config.seq_length * config.batch_size;
    const rng = Rng.derive(config.seed, 0x0e7a1); // held-out data: its own stream
    this.evalSet = Array.from({ length: config.eval_batches }, () => repeatedOnesBatch(config.seq_length, config.batch_size, rng));
  }

  trainBatch(_step: number, rng: Rng): Batch {
    return repeatedOnesBatch(this.config.seq_length, this.config.batch_size, rng);
  }

  evalBatches(): Batch[] {
    return this.evalSet;
  }
}

/**
 * The lecture's hand-built solution: a ReLU RNN with one-hot input and hidden state
 * [current, previous, 1], h0 = [0, 0, 1]:
 *   h_t = relu(x_t·W_x + h_{t-1}·W_h),  W_x[1] = [1, 0, 0] (token 1 switches on "current"),
 *   W_h copies current → previous and keeps the constant 1.
 * The output unit y_t = relu(current + previous − 1) is exactly the target (1 iff both are 1);
 * it is the class-1 logit of the head, whose class-0 logit is the constant 0.5, so the
 * argmax predicts the same thing.
 */
export function handBuiltRepeatedOnes(backend: Backend): SeqModel {
  const model = new SeqModel(backend, {
    vocab: 2, classes: 2, cell: "rnn", activation: "relu", hidden: 3, layers: 1,
    embeddingDim: 0, dropout: 0, layernorm: false, learnedH0: true, head: "many_to_many",
  });
  const set = (name: string, values: number[]) => model.params.byName(name).w.set(values);
  set("layer0.Wx", [0, 0, 0, /* token 1: */ 1, 0, 0]);
  set("layer0.Wh", [
    0, 1, 0, // current  → previous
    0, 0, 0, // previous → (forgotten)
    0, 0, 1, // 1        → 1
  ]);
  set("layer0.b", [0, 0, 0]);
  set("layer0.h0", [0, 0, 1]);
  set("head.W", [0, 1, 0, 1, 0, -1]); // rows: current, previous, 1; columns: class 0, class 1
  set("head.b", [0.5, 0]);
  return model;
}
