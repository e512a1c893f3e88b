import type { RunConfig } from "./config";

type ScheduleConfig = Pick<RunConfig, "learning_rate" | "lr_schedule" | "lr_step_every" | "lr_gamma" | "warmup_steps" | "steps">;

/**
 * Learning rate for 0-based `step`: linear warm-up over warmup_steps (from lr/warmup to lr),
 * then constant, step (×gamma every lr_step_every steps) or cosine (to 0 at the last step).
 */
export function learningRate(step: number, c: ScheduleConfig): number {
  const lr = c.learning_rate;
  if (step < c.warmup_steps) return (lr * (step + 1)) / c.warmup_steps;
  switch (c.lr_schedule) {
    case "constant":
      return lr;
    case "step":
      return lr * c.lr_gamma ** Math.floor(step / c.lr_step_every);
    case "cosine": {
      const span = Math.max(1, c.steps - c.warmup_steps - 1);
      const progress = Math.min(1, (step - c.warmup_steps) / span);
      return 0.5 * lr * (1 + Math.cos(Math.PI * progress));
    }
  }
}
