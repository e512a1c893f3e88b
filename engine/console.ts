import type { WorkerMessage } from "./protocol";

// A run's console output: what `npm run train` prints, and what the app's Logs tab shows and
// lets you download. One formatter serves both. The lines are log messages, so they travel the
// worker protocol and land in the store like any log line: the worker (engine/worker.ts) adds
// them to its stream; the terminal (engine/terminal.ts) prints them. Pure: no I/O.
//
//   step 40  train_loss 2.035  grad_norm 0.6413  11,520 tok/s         every log_every steps
//   step 50  train_loss 2.013  val_loss 2.002  val_acc 0.3125  ...     every evaluation
//   --- sample at step 100 (temperature 0.8)                           every sample_every steps
//   finished at step 500: train_loss 1.62  val_loss 1.71  ...          at the end

export type ConsoleLine = { type: "log"; level: "info" | "warn" | "error" | "debug"; message: string; step?: number };

/** A metric value as the console shows it: integers whole, others to 4 significant digits. */
export const fmt = (x: number | null | undefined) => (typeof x !== "number" ? "-" : Number.isInteger(x) ? String(x) : x.toPrecision(4));

/** The text of a log line as a console shows it: info and a program's stderr lines as they are, others with their level. */
export function consoleText(line: { level: string; message: string }): string {
  return line.level === "info" || line.level === "stderr" ? line.message : `${line.level}: ${line.message}`;
}

/** The end of a run, as its last console line. */
export function summaryLine(state: string, step: number, summary: Record<string, number | null>): string {
  const values = Object.entries(summary).map(([k, v]) => `${k} ${fmt(v)}`);
  return `${state} at step ${step}${values.length ? `: ${values.join("  ")}` : ""}`;
}

/**
 * Turns a run's events into its console lines. Stateful: an evaluation line repeats the last
 * train_loss. A log or error event is its own console line: lines() returns nothing for it.
 */
export class ConsoleFormatter {
  private trainLoss: number | null = null;

  /** The console lines an event adds, as log messages (step set when the event has one). */
  lines(ev: WorkerMessage): ConsoleLine[] {
    const info = (message: string, step?: number): ConsoleLine => ({ type: "log", level: "info", message, ...(step !== undefined ? { step } : {}) });
    switch (ev.type) {
      case "metric": {
        const v = ev.values;
        if (v.train_loss !== undefined) this.trainLoss = v.train_loss;
        if (v.val_loss !== undefined) {
          const extra = ["val_acc", "saturation"].filter((k) => v[k] !== undefined).map((k) => `  ${k} ${fmt(v[k])}`).join("");
          return [info(`step ${ev.step}  train_loss ${fmt(this.trainLoss)}  val_loss ${fmt(v.val_loss)}${extra}`, ev.step)];
        }
        if (v.train_loss === undefined) return [];
        const speed = v.throughput != null ? `  ${Math.round(v.throughput).toLocaleString("en-US")} tok/s` : "";
        return [info(`step ${ev.step}  train_loss ${fmt(v.train_loss)}  grad_norm ${fmt(v.grad_norm)}${speed}`, ev.step)];
      }
      case "sample":
        return [info(`--- sample at step ${ev.step} (${ev.temperature === 0 ? "greedy" : `temperature ${ev.temperature}`})\n${ev.text}\n---`, ev.step)];
      case "done":
        return [info(summaryLine(ev.state, ev.step, ev.summary), ev.step)];
      default:
        return [];
    }
  }
}
