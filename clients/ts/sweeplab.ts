// Sweeplab's client for TypeScript and JavaScript programs: W&B's calls (init, log, summary,
// config, finish) over Sweeplab's logging API (HTTP + JSON, global fetch). It imports nothing:
// not the repository, not a package. README.md says how to use it from plain Node.
//
// What happens underneath:
//   init     POST /api/runs (retried while the server cannot be reached, up to retryForMs)
//   log      queues a metric line (step, seconds since the start, values); nothing waits
//   a timer  every flushIntervalMs (unref'd: it never keeps Node alive by itself) seals what is
//            queued into numbered batches (seq 1, 2, ...; at most maxBatchValues values each)
//            and sends them one at a time, in order: POST /api/runs/<id>/events. A batch that
//            gets no answer is sent again with the same seq (the server skips a seq it has), so
//            a lost answer never doubles a point. Idle runs send an empty batch as a heartbeat.
//   finish   sends what is left, then POST /api/runs/<id>/finish. A script that ends without
//            calling it is finished on beforeExit (failed when process.exitCode is not 0); one
//            that dies of an uncaught exception, failed with its stack trace.
// JSON has no NaN or Infinity: they travel as the strings "NaN", "Infinity", "-Infinity"
// (metrics, summary and config alike).

export type MetricValue = number | bigint | boolean | null;
type WireNumber = number | null | "NaN" | "Infinity" | "-Infinity";
type Level = "debug" | "info" | "warn" | "error";

export interface InitOptions {
  /** 1-64 characters [A-Za-z0-9._-]; default SWEEPLAB_PROJECT or "default". */
  project?: string;
  /** Default: a name the server makes up. */
  name?: string;
  group?: string;
  tags?: string[];
  notes?: string;
  /** Any JSON object (nested allowed). */
  config?: Record<string, unknown>;
  /** The run's id (4-32 of [0-9a-z]): a program run with it that is running is attached to. Default SWEEPLAB_RUN_ID. */
  id?: string;
  /**
   * W&B's resume: "allow" (or "must", "auto", true) goes on with the run of `id` after its last
   * step if it has ended; without it, init() throws for a run that has ended (it would take no batch).
   */
  resume?: boolean | "allow" | "must" | "auto" | "never";
  /** Default SWEEPLAB_URL or http://127.0.0.1:3000. */
  url?: string;
  /** Sent as a bearer token. Default SWEEPLAB_API_KEY. */
  apiKey?: string;
  /** How often queued points are sent (ms, default 1000). */
  flushIntervalMs?: number;
  /** The most values one batch carries (default 10,000, the server's limit). */
  maxBatchValues?: number;
  /** How long a request is retried while the server cannot be reached (ms, default 120,000). */
  retryForMs?: number;
  /** An empty batch is sent after this long without one, so the server knows the run is alive (ms, default 30,000). */
  heartbeatMs?: number;
  /** No warnings on stderr. */
  quiet?: boolean;
}

export interface LogOptions {
  /** The step to log at (default: the step after the last one logged). */
  step?: number;
  /** false: the next log() without a step stays at this step (W&B's commit=False). */
  commit?: boolean;
}

export interface FinishOptions {
  /** Not 0: the run failed. */
  exitCode?: number;
  /** Default: "finished" for exit code 0 (or none), else "failed". */
  state?: "finished" | "failed" | "crashed";
  error?: string;
}

/** run.config: read and set keys like an object (a set is sent to the server: W&B's config.update). */
export type Config = { [key: string]: unknown; update(values: Record<string, unknown>): void };
/** run.summary: `summary.acc = 0.9` or `summary.set("acc", 0.9)` overrides the server's summary for that key. */
export type Summary = { [key: string]: unknown; set(key: string, value: MetricValue): void; update(values: Record<string, MetricValue>): void };

interface MetricLine {
  step: number;
  time: number;
  values: Record<string, WireNumber>;
}
interface LogLine {
  level: Level;
  message: string;
  step?: number;
}
interface Batch {
  seq: number;
  metrics?: MetricLine[];
  logs?: LogLine[];
  summary?: Record<string, WireNumber>;
  config?: Record<string, unknown>;
}

/** The run as the server answers it (the fields this client reads). */
interface RunAnswer {
  id: string;
  name: string;
  project?: string;
  config?: Record<string, unknown>;
  lastStep?: number;
  state?: string;
  summary?: Record<string, unknown>;
  clientSeq?: number | null;
}

/**
 * What the server takes as a metric name, summary key or config key (a column name): letters and
 * digits of any script, combining marks after the first character, single inner spaces (`val loss`;
 * none beside a dot), 1-128 code points. It must stay the rule of sweeps/names.ts KEY_PATTERN and
 * clients/python/sweeplab/_batch.py is_key (sweeps/names.test.ts checks the three agree).
 */
const NAME_PATTERN = /^(?!.{129})[\p{L}\p{N}_](?:[\p{L}\p{N}\p{M}_./@#%+\-:()[\]]|(?<![. ]) (?=[\p{L}\p{N}_/@#%+\-:()[\]]))*$/u;
const NAME_RULE = "1-128 letters (of any script), digits, combining marks, single inner spaces (not beside a dot) and _ . / @ # % + - : ( ) [ ], starting with a letter, digit or _";
/** The most values the server takes in one line (one step). */
const MAX_VALUES_PER_LINE = 256;
const RETRY_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

function env(name: string): string | undefined {
  const v = typeof process === "undefined" ? undefined : process.env[name];
  return v === undefined || v === "" ? undefined : v;
}

function wireNumber(v: number): WireNumber {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "-Infinity";
  return v;
}

/** JSON.stringify's replacer: a non-finite number anywhere (a config value too) by its name, as the Python client sends it. */
const nonFiniteByName = (_key: string, v: unknown): unknown => (typeof v === "number" && !Number.isFinite(v) ? wireNumber(v) : v);

/** A value as the API takes it, or undefined when it is not a number at all. */
function toWire(v: unknown): WireNumber | undefined {
  if (v === null) return null;
  if (typeof v === "number") return wireNumber(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "bigint") return wireNumber(Number(v));
  return undefined;
}

/** An object for names the program chooses: without a prototype, "__proto__" or "constructor" is just a name. */
const dict = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, body: { error?: string }) {
    super(`HTTP ${status}${body.error ? `: ${body.error}` : ""}`);
    this.status = status;
  }
}

export class Run {
  readonly id: string;
  readonly name: string;
  readonly project: string;
  /** The run's page on the server. */
  readonly url: string;
  readonly config: Config;
  readonly summary: Summary;
  /** The user (or a sweep's early termination) asked the run to stop: end the training loop. */
  shouldStop = false;
  /** The step the next log() without a step goes to. */
  step: number;
  /** Batches the server skipped as already stored (a resend whose first answer was lost). */
  duplicates = 0;

  private readonly base: string;
  private readonly headers: Record<string, string>;
  private readonly options: Required<Pick<InitOptions, "flushIntervalMs" | "maxBatchValues" | "retryForMs" | "heartbeatMs" | "quiet">>;
  private readonly started: number;
  private readonly timeOffset: number;
  private pending: MetricLine[] = [];
  private pendingLogs: LogLine[] = [];
  private pendingSummary: Record<string, WireNumber> = dict();
  private pendingConfig: Record<string, unknown> = dict();
  /** Values in `pending` plus lines in `pendingLogs`: what they weigh against maxBatchValues. */
  private pendingWeight = 0;
  private nextSeq: number;
  private sealed: Batch | null = null;
  private sending: Promise<void> | null = null;
  private lastSent = Date.now();
  private timer: ReturnType<typeof setInterval> | null;
  private ended = false;
  private finishing: Promise<void> | null = null;
  private warned = new Set<string>();
  private readonly onBeforeExit = () => {
    if (!this.ended) void this.finish({ exitCode: typeof process.exitCode === "number" ? process.exitCode : 0 });
  };
  /**
   * An exception nothing caught (a rejected promise too) ends the program: the run is finished
   * failed with its stack trace first. Node's own ending is kept: the error on stderr, exit code
   * 1 — unless the program listens for uncaught exceptions itself, which then decides.
   */
  private readonly onUncaught = (error: unknown) => {
    const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : `Uncaught ${String(error)}`;
    const alone = process.listenerCount("uncaughtException") === 1;
    if (alone) {
      console.error(text);
      process.exitCode = 1;
    }
    // (at most 30 s: a program that crashed does not wait out a long outage of the server)
    void Promise.race([this.finish({ exitCode: 1, error: text.slice(-4000) }), sleep(30_000)]).finally(() => alone && process.exit(1));
  };

  /** Use init(). */
  constructor(answer: RunAnswer, pageUrl: string, resumed: boolean, base: string, headers: Record<string, string>, options: InitOptions) {
    this.id = answer.id;
    this.name = answer.name;
    this.project = answer.project ?? options.project ?? "default";
    this.url = new URL(pageUrl, base).toString();
    this.base = base;
    this.headers = headers;
    this.options = {
      flushIntervalMs: options.flushIntervalMs ?? 1000,
      maxBatchValues: Math.max(1, Math.min(options.maxBatchValues ?? 10_000, 10_000)),
      retryForMs: options.retryForMs ?? 120_000,
      heartbeatMs: options.heartbeatMs ?? 30_000,
      quiet: options.quiet ?? false,
    };
    // a resumed run goes on after what it stored: its steps, its clock, its batch numbers
    this.step = resumed && typeof answer.lastStep === "number" && answer.lastStep > 0 ? answer.lastStep + 1 : 0;
    const runtime = answer.summary?._runtime;
    this.timeOffset = resumed && typeof runtime === "number" && Number.isFinite(runtime) ? runtime : 0;
    this.nextSeq = (answer.clientSeq ?? 0) + 1;
    this.started = performance.now();
    this.config = this.configProxy(withServerConfig(options.config ?? {}, answer.config ?? {}));
    // a run a sweep chose (its agent made it): the server has the sweep's values only; the
    // program's defaults it lacks join its config, the sweep's values winning (as in W&B)
    const stored = answer.config ?? {};
    for (const [key, value] of flatten(JSON.parse(JSON.stringify(options.config ?? {}, nonFiniteByName)) as Record<string, unknown>)) {
      if (!Object.hasOwn(stored, key)) this.pendingConfig[key] = value;
    }
    this.summary = this.summaryProxy();
    this.timer = setInterval(() => this.tick(), this.options.flushIntervalMs);
    this.timer.unref?.();
    if (typeof process !== "undefined") {
      process.on("beforeExit", this.onBeforeExit);
      process.on("uncaughtException", this.onUncaught);
    }
  }

  /**
   * Log metrics at a step: `run.log({ loss: 0.5, "val/acc": 0.9 })`; nested objects are named
   * with dots (`{ train: { loss } }` → "train.loss"). Non-numbers are skipped with a warning.
   */
  log(values: Record<string, unknown>, options: LogOptions = {}): void {
    if (this.ended) return this.warnOnce("ended", `run ${this.id} has finished: log() ignored`);
    const step = options.step ?? this.step;
    if (!Number.isSafeInteger(step) || step < 0) throw new TypeError(`sweeplab: step must be an integer >= 0, got ${step}`);
    const time = this.timeOffset + (performance.now() - this.started) / 1000;
    let line: MetricLine | null = null;
    let lineSize = 0;
    for (const [name, raw] of flatten(values)) {
      const value = toWire(raw);
      if (value === undefined) {
        this.warnOnce(`type:${name}`, `"${name}" is not a number (${typeof raw}): not logged`);
        continue;
      }
      if (!NAME_PATTERN.test(name)) {
        this.warnOnce(`name:${name}`, `"${name.slice(0, 60)}" is not logged: a metric name is ${NAME_RULE}`);
        continue;
      }
      if (!line || lineSize >= MAX_VALUES_PER_LINE) {
        this.pending.push((line = { step, time, values: dict() }));
        lineSize = 0;
      }
      if (!Object.hasOwn(line.values, name)) lineSize++, this.pendingWeight++;
      line.values[name] = value;
    }
    if (options.commit === false) this.step = Math.max(this.step, step);
    else this.step = Math.max(this.step, step + 1);
    if (this.pendingWeight >= this.options.maxBatchValues) this.kick();
  }

  /** A line of the run's console (its Logs tab). */
  print(message: string, level: Level = "info"): void {
    if (this.ended) return;
    this.pendingLogs.push({ level, message: String(message), step: this.step });
    this.pendingWeight++;
  }

  /** Send everything logged so far; resolves once the server has it (or gave up on it). */
  async flush(): Promise<void> {
    this.kick();
    while (this.sending) await this.sending;
  }

  /** Send what is left and end the run. Safe to call twice. */
  finish(options: FinishOptions = {}): Promise<void> {
    this.finishing ??= this.end(options);
    return this.finishing;
  }

  private async end(options: FinishOptions): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
    this.ended = true;
    if (typeof process !== "undefined") {
      process.off("beforeExit", this.onBeforeExit);
      process.off("uncaughtException", this.onUncaught);
    }
    const state = options.state ?? (options.exitCode ? "failed" : "finished");
    const body: Record<string, unknown> = { state };
    if (options.exitCode !== undefined) body.exitCode = options.exitCode;
    if (options.error !== undefined) body.error = options.error.slice(0, 4000);
    try {
      await this.request(`/api/runs/${this.id}/finish`, body);
    } catch (error) {
      this.warn(`could not finish run ${this.id}: ${(error as Error).message}`);
    }
  }

  private tick(): void {
    if (this.hasPending() || Date.now() - this.lastSent >= this.options.heartbeatMs) this.kick(true);
  }

  private hasPending(): boolean {
    return this.pending.length > 0 || this.pendingLogs.length > 0 || Object.keys(this.pendingSummary).length > 0 || Object.keys(this.pendingConfig).length > 0;
  }

  /** Start sending (one batch at a time, in order) unless a send is under way. */
  private kick(heartbeat = false): void {
    if (this.sending || this.ended) return;
    this.sending = this.drain(heartbeat).finally(() => (this.sending = null));
  }

  private async drain(heartbeat: boolean): Promise<void> {
    while (this.sealed || this.hasPending() || heartbeat) {
      heartbeat = false;
      this.sealed ??= this.seal();
      try {
        const answer = (await this.request(`/api/runs/${this.id}/events`, this.sealed)) as { duplicate?: boolean; stop?: boolean };
        if (answer.duplicate) this.duplicates++;
        if (answer.stop && !this.shouldStop) {
          this.shouldStop = true;
          this.warn(`run ${this.id}: the server asks this run to stop (run.shouldStop is true)`);
        }
      } catch (error) {
        // refused (400, 404, 409, 413...) or unreachable for retryForMs: this batch is lost, say so
        this.warn(`batch ${this.sealed.seq} of run ${this.id} was not stored: ${(error as Error).message}`);
        if (error instanceof HttpError && (error.status === 404 || error.status === 409)) this.ended = true;
      }
      this.sealed = null;
      this.lastSent = Date.now();
      if (this.ended) return;
    }
  }

  /** The next numbered batch: queued lines up to maxBatchValues; summary and config with the batch that empties the queue. */
  private seal(): Batch {
    const batch: Batch = { seq: this.nextSeq++ };
    let weight = 0;
    let lines = 0;
    while (lines < this.pending.length) {
      const w = Object.keys(this.pending[lines].values).length;
      if (lines > 0 && weight + w > this.options.maxBatchValues) break;
      weight += w;
      lines++;
    }
    if (lines > 0) batch.metrics = this.pending.splice(0, lines);
    const logs = Math.min(this.pendingLogs.length, Math.max(0, this.options.maxBatchValues - weight));
    if (logs > 0) batch.logs = this.pendingLogs.splice(0, logs);
    this.pendingWeight -= weight + logs;
    if (this.pending.length === 0 && this.pendingLogs.length === 0) {
      if (Object.keys(this.pendingSummary).length > 0) [batch.summary, this.pendingSummary] = [this.pendingSummary, dict()];
      if (Object.keys(this.pendingConfig).length > 0) [batch.config, this.pendingConfig] = [this.pendingConfig, dict()];
    }
    return batch;
  }

  /** POST JSON; network failures and 5xx/429 are retried with the same body for up to retryForMs. */
  private async request(path: string, body: unknown): Promise<unknown> {
    return post(this.base, path, body, this.headers, this.options.retryForMs);
  }

  private configProxy(values: Record<string, unknown>): Config {
    const update = (more: Record<string, unknown>) => {
      for (const [key, value] of Object.entries(more)) {
        if (!NAME_PATTERN.test(key)) {
          this.warnOnce(`config:${key}`, `config["${key.slice(0, 60)}"] is not sent: a config key is ${NAME_RULE}`);
          continue;
        }
        values[key] = value;
        this.pendingConfig[key] = value;
      }
    };
    return objectProxy(values, { update }, (key, value) => update({ [key]: value })) as Config;
  }

  private summaryProxy(): Summary {
    const values: Record<string, unknown> = dict();
    const set = (key: string, value: MetricValue) => {
      const wire = toWire(value);
      if (wire === undefined) return this.warnOnce(`summary:${key}`, `summary["${key}"] is not a number: not sent`);
      if (!NAME_PATTERN.test(key)) return this.warnOnce(`summary:${key}`, `summary["${key.slice(0, 60)}"] is not sent: a summary key is ${NAME_RULE}`);
      values[key] = value;
      this.pendingSummary[key] = wire;
    };
    const update = (more: Record<string, MetricValue>) => {
      for (const [k, v] of Object.entries(more)) set(k, v);
    };
    return objectProxy(values, { set, update }, (key, value) => set(key, value as MetricValue)) as Summary;
  }

  private warn(message: string): void {
    if (!this.options.quiet) console.warn(`sweeplab: ${message}`);
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warn(message);
  }
}

/** [name, value] of every leaf of `values`, nested plain objects' names joined by "." (as W&B's summary shows them). */
function* flatten(values: Record<string, unknown>, prefix = ""): Generator<[string, unknown]> {
  for (const [key, value] of Object.entries(values)) {
    if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) yield* flatten(value as Record<string, unknown>, `${prefix}${key}.`);
    else yield [`${prefix}${key}`, value];
  }
}

/**
 * The config a program sees: its own (nested as it gave it) with the server's values over it
 * (a sweep's choices for this run). The server stores a nested config flattened
 * (`{"optimizer.lr": 0.1}`); such a key lands inside the program's nested object when it has one.
 */
function withServerConfig(own: Record<string, unknown>, server: Record<string, unknown>): Record<string, unknown> {
  const out = Object.assign(dict(), JSON.parse(JSON.stringify(own)) as Record<string, unknown>);
  for (const [key, value] of Object.entries(server)) {
    const parts = key.split(".");
    let at: Record<string, unknown> = out;
    let i = 0;
    while (i < parts.length - 1 && typeof at[parts[i]] === "object" && at[parts[i]] !== null && !Array.isArray(at[parts[i]])) at = at[parts[i++]] as Record<string, unknown>;
    at[parts.slice(i).join(".")] = value;
  }
  return out;
}

/** An object whose keys read `values`, whose sets go through `onSet`, and which has `methods` (not keys). */
function objectProxy(values: Record<string, unknown>, methods: Record<string, unknown>, onSet: (key: string, value: unknown) => void): object {
  return new Proxy(values, {
    get: (target, key) => (typeof key === "string" && Object.hasOwn(methods, key) ? methods[key] : key === "toJSON" ? () => ({ ...target }) : Reflect.get(target, key)),
    set: (_target, key, value) => {
      if (typeof key !== "string" || Object.hasOwn(methods, key)) return false;
      onSet(key, value);
      return true;
    },
    deleteProperty: () => false,
  });
}

async function post(base: string, path: string, body: unknown, headers: Record<string, string>, retryForMs: number): Promise<unknown> {
  const text = JSON.stringify(body, nonFiniteByName);
  const deadline = Date.now() + retryForMs;
  for (let attempt = 0; ; attempt++) {
    let failure: Error;
    try {
      const res = await fetch(new URL(path, base), { method: "POST", headers: { "content-type": "application/json", ...headers }, body: text, signal: AbortSignal.timeout(30_000) });
      const answer = (await res.json().catch(() => ({}))) as { error?: string };
      if (res.ok) return answer;
      failure = new HttpError(res.status, answer);
      if (!RETRY_STATUS.has(res.status)) throw failure;
    } catch (error) {
      if (error instanceof HttpError && !RETRY_STATUS.has(error.status)) throw error;
      failure = error instanceof Error ? error : new Error(String(error));
    }
    if (Date.now() >= deadline) throw failure;
    // 0.25 s, 0.5 s, 1 s ... up to 10 s between tries, with jitter (a ref'd timer: a retry keeps Node alive)
    await sleep(Math.min(10_000, 250 * 2 ** attempt) * (0.75 + Math.random() / 2));
  }
}

/** The run started by the last init(), if any. */
export let run: Run | null = null;

/**
 * Start a run on the server (W&B's wandb.init). A run already started by init() in this process
 * is finished first.
 */
export async function init(options: InitOptions = {}): Promise<Run> {
  if (run) await run.finish();
  const base = (options.url ?? env("SWEEPLAB_URL") ?? "http://127.0.0.1:3000").replace(/\/*$/, "/");
  const apiKey = options.apiKey ?? env("SWEEPLAB_API_KEY");
  const headers: Record<string, string> = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
  const body: Record<string, unknown> = { project: options.project ?? env("SWEEPLAB_PROJECT") ?? "default" };
  for (const key of ["name", "group", "tags", "notes", "config"] as const) if (options[key] !== undefined) body[key] = options[key];
  const id = options.id ?? env("SWEEPLAB_RUN_ID");
  if (id !== undefined) body.id = id;
  if (options.resume === true || options.resume === "allow" || options.resume === "must" || options.resume === "auto") body.resume = true;
  let answer: { run: RunAnswer; url: string };
  try {
    answer = (await post(base, "api/runs", body, headers, options.retryForMs ?? 120_000)) as { run: RunAnswer; url: string };
  } catch (error) {
    throw new Error(`sweeplab: could not start a run at ${base}: ${(error as Error).message}`);
  }
  if (answer.run.state !== undefined && answer.run.state !== "running" && answer.run.state !== "queued")
    throw new Error(`sweeplab: run ${answer.run.id} has ended on the server (${answer.run.state}) after step ${answer.run.lastStep ?? 0}: pass resume: "allow" to init() to go on with it, or choose another id`);
  const resumed = id !== undefined && answer.run.id === id && (answer.run.lastStep ?? 0) > 0;
  run = new Run(answer.run, answer.url ?? `/runs/${answer.run.id}`, resumed, base, headers, { ...options, project: body.project as string });
  return run;
}

function current(): Run {
  if (!run) throw new Error("sweeplab: call sweeplab.init() first");
  return run;
}

/** Log metrics to the current run (see Run.log). */
export function log(values: Record<string, unknown>, options?: LogOptions): void {
  current().log(values, options);
}

/** Finish the current run (see Run.finish); nothing to do without one. */
export async function finish(options?: FinishOptions): Promise<void> {
  await run?.finish(options);
}

/** The current run's config and summary (sweeplab.config.lr, sweeplab.summary.best = 1). */
export const config = forward(() => current().config) as Config;
export const summary = forward(() => current().summary) as Summary;

function forward(target: () => object): object {
  return new Proxy(
    {},
    {
      get: (_t, key) => Reflect.get(target(), key),
      set: (_t, key, value) => Reflect.set(target(), key, value),
      has: (_t, key) => Reflect.has(target(), key),
      ownKeys: () => Reflect.ownKeys(target()),
      getOwnPropertyDescriptor: (_t, key) => {
        const d = Reflect.getOwnPropertyDescriptor(target(), key);
        return d && { ...d, configurable: true };
      },
    },
  );
}
