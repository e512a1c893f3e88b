// The run summary written with `done` (and shown in the runs table). Keys:
//   train_loss, val_loss, val_acc, saturation,                 final (last logged) values
//   grad_norm, lr, throughput
//   train_loss_best, val_loss_best                             minimum seen
//   val_acc_best                                               maximum seen
//   val_loss_best_step                                         step of val_loss_best
//   step                                                       steps completed
//   runtime                                                    seconds of training (this process)
// Keys without a value yet (e.g. val_acc on charlm) are left out.

export const SUMMARY_KEYS = [
  "train_loss", "train_loss_best", "val_loss", "val_loss_best", "val_loss_best_step",
  "val_acc", "val_acc_best", "saturation", "grad_norm", "lr", "throughput", "step", "runtime",
] as const;

export type Summary = Record<string, number>;

export class SummaryTracker {
  values: Summary = {};

  record(step: number, metrics: Record<string, number>): void {
    const v = this.values;
    for (const [key, value] of Object.entries(metrics)) {
      v[key] = value;
      if (!Number.isFinite(value)) continue;
      if (key === "train_loss" && !(value >= v.train_loss_best)) v.train_loss_best = value;
      if (key === "val_loss" && !(value >= v.val_loss_best)) {
        v.val_loss_best = value;
        v.val_loss_best_step = step;
      }
      if (key === "val_acc" && !(value <= v.val_acc_best)) v.val_acc_best = value;
    }
  }

  summary(step: number, runtime: number): Summary {
    return { ...this.values, step, runtime };
  }
}
