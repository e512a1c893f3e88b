import { readCorpusText, readCheckpoint, writeCheckpoint } from "./files";
import { EXIT, formatWorkerMessage, WorkerInput, type WorkerMessage } from "./protocol";
import { Trainer } from "./train";

// The child-process entry of one run. The parent writes one WorkerInput JSON document to
// stdin; the worker answers with protocol lines on stdout (protocol.ts) and exits with an
// EXIT code: finished 0, error 1 (a bug), badInput 2 (invalid input, unreadable corpus or
// checkpoint), stopped 3 (SIGTERM), diverged 4.
//
//   node --import tsx engine/worker.ts < input.json      (or the bundled dist/worker.mjs)
//
// SIGTERM asks the trainer to stop before its next step; the run then ends like any other
// (final summary, checkpoint if checkpointPath was given, done{state:"stopped"}). SIGINT does
// the same: a Ctrl-C in the terminal of a CLI (npm run train -- --track, npm run sweep) reaches
// its workers too, and their runs should end stopped, not killed mid-step. Training
// yields to the event loop every few milliseconds so the signal is seen, and a heartbeat
// line goes out at least once a second.

const HEARTBEAT_MS = 1000;
const YIELD_MS = 20;

function send(message: WorkerMessage): void {
  process.stdout.write(formatWorkerMessage(message) + "\n");
}

function exit(code: number): void {
  // flush stdout before leaving (pipes may be asynchronous on some platforms)
  process.stdout.write("", () => process.exit(code));
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function badInput(message: string): void {
  send({ type: "error", message });
  exit(EXIT.badInput);
}

async function main(): Promise<void> {
  let json: unknown;
  try {
    json = JSON.parse(await readStdin());
  } catch (e) {
    return badInput(`input is not JSON: ${(e as Error).message}`);
  }
  const parsed = WorkerInput.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return badInput(`invalid input at ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  const input = parsed.data;
  let trainer: Trainer;
  try {
    const corpusText = readCorpusText(input.config);
    const resume = input.resumeFrom ? readCheckpoint(input.resumeFrom) : undefined;
    trainer = new Trainer(input.config, { corpusText, resume, threads: input.threads });
  } catch (e) {
    return badInput((e as Error).message);
  }
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => trainer.requestStop());

  let lastBeat = 0, lastYield = Date.now(); // first heartbeat right after step 1
  for (const event of trainer.run()) {
    if (event.type === "heartbeat") {
      const now = Date.now();
      if (now - lastBeat >= HEARTBEAT_MS) {
        send(event);
        lastBeat = now;
      }
      if (now - lastYield >= YIELD_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = Date.now();
      }
      continue;
    }
    if (event.type !== "done") {
      send(event);
      continue;
    }
    if (input.checkpointPath) writeCheckpoint(input.checkpointPath, trainer.checkpoint());
    send(input.checkpointPath ? { ...event, checkpointPath: input.checkpointPath } : event);
    return exit(EXIT[event.state]);
  }
}

main().catch((e: unknown) => {
  send({ type: "error", message: e instanceof Error ? `${e.message}\n${e.stack ?? ""}` : String(e) });
  exit(EXIT.error);
});
