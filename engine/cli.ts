import { readFileSync } from "node:fs";
import { z } from "zod";
import { RunConfig, RUN_CONFIG_KEYS } from "./config";
import { readCheckpoint, readCorpusText, writeCheckpoint } from "./files";
import { Trainer } from "./train";

// One run in the terminal:
//   npm run train -- --task charlm --cell lstm --hidden_size 128 [--config run.json]
//                    [--checkpoint out.json] [--resume ck.json]
// --key value pairs override the config file; values are read as JSON when they parse
// (numbers, true/false), as strings otherwise; a bare --flag means true. Bad keys or values
// are one-line errors. Progress bar on a terminal, samples and evaluations as lines.

const USAGE = `usage: npm run train -- [--config run.json] [--KEY VALUE ...] [--checkpoint PATH] [--resume PATH]
keys: ${RUN_CONFIG_KEYS.join(", ")}`;

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): { config: Record<string, unknown>; checkpoint?: string; resume?: string } {
  const config: Record<string, unknown> = {};
  let checkpoint: string | undefined, resume: string | undefined, file: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h" || arg === "--help") {
      process.stdout.write(USAGE + "\n");
      process.exit(0);
    }
    if (!arg.startsWith("--")) fail(`unexpected argument ${JSON.stringify(arg)}\n${USAGE}`);
    const eq = arg.indexOf("=");
    const key = arg.slice(2, eq > 0 ? eq : undefined);
    let value: string | undefined = eq > 0 ? arg.slice(eq + 1) : undefined;
    if (value === undefined && i + 1 < argv.length && !argv[i + 1].startsWith("--")) value = argv[++i];
    if (key === "config" || key === "checkpoint" || key === "resume") {
      if (!value) fail(`--${key} needs a path`);
      if (key === "config") {
        try {
          file = JSON.parse(readFileSync(value, "utf8"));
        } catch (e) {
          fail(`--config ${value}: ${(e as Error).message}`);
        }
      } else if (key === "checkpoint") checkpoint = value;
      else resume = value;
      continue;
    }
    config[key] = value === undefined ? true : parseValue(value);
  }
  return { config: { ...file, ...config }, checkpoint, resume };
}

function parseValue(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

function describeError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue.code === "unrecognized_keys") return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `--${k}`).join(", ")} (see --help)`;
  return `--${issue.path.join(".")}: ${issue.message}`;
}

function bar(step: number, total: number, width = 30): string {
  const filled = Math.round((width * step) / total);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${step}/${total}`;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const parsed = RunConfig.safeParse(args.config);
  if (!parsed.success) fail(describeError(parsed.error));
  const config = parsed.data;
  let trainer: Trainer;
  try {
    trainer = new Trainer(config, { corpusText: readCorpusText(config), resume: args.resume ? readCheckpoint(args.resume) : undefined });
  } catch (e) {
    fail((e as Error).message);
  }
  const tty = process.stdout.isTTY;
  const fmt = (x: number | null | undefined) => (typeof x !== "number" ? "-" : Number.isInteger(x) ? String(x) : x.toPrecision(4));
  let trainLoss: number | null = null, valLoss: number | null = null, speed: number | null = null;
  const status = (step: number) => {
    if (tty) process.stdout.write(`\r${bar(step, config.steps)} loss ${fmt(trainLoss)} val ${fmt(valLoss)} ${speed ? `${Math.round(speed)} tok/s` : ""}\x1b[K`);
  };
  const line = (s: string) => process.stdout.write(`${tty ? "\r\x1b[K" : ""}${s}\n`);
  process.on("SIGINT", () => trainer.requestStop());
  for (const ev of trainer.run()) {
    switch (ev.type) {
      case "heartbeat":
        status(ev.step);
        break;
      case "metric":
        if (ev.values.train_loss !== undefined) [trainLoss, speed] = [ev.values.train_loss, ev.values.throughput ?? null];
        if (ev.values.val_loss !== undefined) {
          valLoss = ev.values.val_loss;
          const acc = ev.values.val_acc !== undefined ? `  val_acc ${fmt(ev.values.val_acc)}` : "";
          line(`step ${ev.step}  train_loss ${fmt(trainLoss)}  val_loss ${fmt(valLoss)}${acc}`);
        } else if (!tty) line(`step ${ev.step}  train_loss ${fmt(trainLoss)}  grad_norm ${fmt(ev.values.grad_norm)}  ${Math.round(speed ?? 0)} tok/s`);
        break;
      case "sample":
        line(`--- sample at step ${ev.step} (temperature ${ev.temperature})\n${ev.text}\n---`);
        break;
      case "log":
        line(`${ev.level}: ${ev.message}`);
        break;
      case "diagnostic":
        break;
      case "done": {
        if (args.checkpoint) writeCheckpoint(args.checkpoint, trainer.checkpoint());
        const s = ev.summary;
        line(`${ev.state} at step ${ev.step}: ${Object.entries(s).map(([k, v]) => `${k} ${fmt(v)}`).join("  ")}`);
        if (args.checkpoint) line(`checkpoint: ${args.checkpoint}`);
        process.exitCode = ev.state === "finished" ? 0 : ev.state === "stopped" ? 3 : 4;
      }
    }
  }
}

main();
