import type { RunConfig } from "../config";
import type { Batch } from "../model";
import { Rng } from "../rng";
import type { Task, TaskInfo } from "./task";

// Which quadrant is a point of [-1, 1]² in? Classes: 0 = (+,+), 1 = (-,+), 2 = (-,-),
// 3 = (+,-). Solved by a two-layer MLP (mlp.ts); the lecture compares a bad init
// (init=normal, large init_std) with kaiming and with bad init + layernorm.

export function quadrantOf(x: number, y: number): number {
  if (y >= 0) return x >= 0 ? 0 : 1;
  return x < 0 ? 2 : 3;
}

export function quadrantBatch(B: number, rng: Rng): Batch {
  const inputs = new Float32Array(B * 2), targets = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    inputs[2 * b] = 2 * rng.uniform() - 1;
    inputs[2 * b + 1] = 2 * rng.uniform() - 1;
    targets[b] = quadrantOf(inputs[2 * b], inputs[2 * b + 1]);
  }
  return { T: 1, B, inputs, targets, reset: true };
}

export const QUADRANT_INFO: TaskInfo = { model: "mlp", reads: [], unit: "examples" };

export class QuadrantTask implements Task {
  readonly name = "quadrant" as const;
  readonly classification = true;
  readonly model = { kind: "mlp", inputs: 2, classes: 4 } as const;
  readonly tokensPerStep: number;
  private readonly evalSet: Batch[];

  constructor(private readonly config: RunConfig) {
    this.tokensPerStep = config.batch_size;
    const rng = Rng.derive(config.seed, 0x9ad);
    this.evalSet = Array.from({ length: config.eval_batches }, () => quadrantBatch(config.batch_size, rng));
  }

  trainBatch(_step: number, rng: Rng): Batch {
    return quadrantBatch(this.config.batch_size, rng);
  }

  evalBatches(): Batch[] {
    return this.evalSet;
  }
}
