import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { RUN_CONFIG_KEYS } from "../engine/config.ts";
import { sharedData } from "./testdata/shared-data.ts";
import { proposeNext } from "./search/index.ts";
import {
  AnyParamSpec,
  GRID_LIMIT,
  isProgramSweep,
  parseWandbSweepConfigText,
  parseSweepConfig,
  parseSweepConfigText,
  readSweepText,
  sweepSize,
  sweepWarnings,
  sweepToJson,
  sweepToObject,
  sweepToYaml,
  toYaml,
  TOP_LEVEL_KEYS,
  variedParameterNames,
  type SweepConfig,
  type SweepIssue,
} from "./config.ts";

// The real W&B configs live outside the repository (shared/data/wandb-sweeps, with SOURCES.md).
const corpus = sharedData("wandb-sweeps");
const CORPUS = "dir" in corpus ? corpus.dir : "";
const corpusTest = (name: string, fn: () => void) => test(name, (t) => ("missing" in corpus ? t.skip(`the real W&B configs are not here: ${corpus.missing}`) : fn()));

// What each real W&B config gives here. `unknown`: parameters rejected as not RunConfig keys;
// `others`: every other issue (path → start of its message). Comments say what W&B does.
const EXPECTED: Record<string, { unknown: string[]; others: Record<string, string> }> = {
  // W&B accepts; float bounds → uniform, 0..100 → int_uniform
  "01": { unknown: ["lr_scheduler_num_cycles", "noise_offset", "adaptive_noise_scale", "prior_loss_weight", "max_grad_norm", "lr_warmup_steps", "unet_lr", "text_encoder_lr", "network_alpha"], others: {} },
  // W&B accepts; batch_size and learning_rate are ours and fit
  "02": { unknown: ["rand_augment", "temp", "epochs", "lr_decay_epoch", "dataset", "data_folder", "mean", "std"], others: {} },
  "03": { unknown: ["data.variant", "model.qr", "model.start_step"], others: {} },
  // W&B (PyYAML) reads min: 9e-6 as a string and rejects lr; here it is a number
  "04": { unknown: ["generator_config", "discriminator_config", "base_config_size", "position_embedding_type", "output_mult", "prenorm", "attn_norm_layer_type", "attn_num_groups", "embedding_norm_layer_type", "embedding_num_groups", "mup", "readout_zero_init", "query_zero_init", "lr", "train_batch_size", "validation_batch_size", "num_epochs", "num_steps_per_epoch", "num_eval_steps", "num_warmup_steps", "num_training_steps", "scheduler", "global_clip_norm", "wandb", "wandb_project", "wandb_entity", "log_predictions"], others: {} },
  // W&B rejects lr0 (min: 1e-5 is a string under PyYAML); momentum, weight_decay, batch_size are ours and fit
  "05": { unknown: ["data", "epochs", "lr0", "lrf", "warmup_epochs", "warmup_momentum", "warmup_bias_lr", "box", "cls", "cls_pw", "obj", "obj_pw", "iou_t", "anchor_t", "fl_gamma", "hsv_h", "hsv_s", "hsv_v", "degrees", "translate", "scale", "shear", "perspective", "flipud", "fliplr", "mosaic", "mixup", "copy_paste"], others: {} },
  "06": { unknown: ["overrides.model.input_size", "overrides.model.hidden_size", "overrides.model.projection_size", "overrides.model.num_layers", "overrides.model.bidirectional", "overrides.trainer.optimizer.lr", "overrides.trainer.optimizer.weight_decay", "overrides.model.type", "local_config_file", "subcommand"], others: {} },
  "07": { unknown: ["env.a", "env.bool_value", "env.int_value"], others: {} },
  "08": { unknown: ["language", "attribute", "trainer", "l1-weight", "l2-weight"], others: {} },
  // learning_rate: log_uniform over exp(-9.9)..exp(-5.3) and warmup_steps fit RunConfig
  "09": { unknown: ["gradient_accumulation_steps"], others: {} },
  "10": { unknown: ["model_name_or_path", "dataset_name", "checkpointing_steps", "num_train_epochs", "per_device_eval_batch_size", "per_device_train_batch_size", "num_warmup_steps"], others: { "parameters.weight_decay.max": "must be ≤ 1 (got 2)" } },
  "11": { unknown: ["adaptive_parsimony_scaling", "weight_mutate_operator", "weight_mutate_constant", "weight_optimize", "tournament_selection_p", "tournament_selection_n", "fraction_replaced_hof", "crossover_probability", "optimizer_iterations", "optimize_probability", "perturbation_factor", "optimizer_nrestarts", "ncyclesperiteration", "weight_insert_node", "weight_delete_node", "timeout_in_seconds", "weight_do_nothing", "fraction_replaced", "weight_randomize", "weight_simplify", "weight_add_node", "population_size", "populations", "parsimony", "annealing", "batching", "alpha", "topn"], others: {} },
  // W&B rejects the free-text goal too
  "12": { unknown: ["cyclic_lr_max", "cyclic_lr_min", "trafo_d_model", "trafo_encoder_layers", "trafo_heads", "trafo_feedforward_dim", "trafo_dropout", "epochs", "flickr8k_root", "flickr8k_meta", "audio_features_fn"], others: { "metric.goal": 'must be "minimize" or "maximize"' } },
  // grid without metric is fine (val_loss by default); seed values fit
  "13": { unknown: ["model", "ImputationDataset.mask_method", "data_dir"], others: {} },
  "14": { unknown: ["num_train_epochs", "per_device_train_batch_size", "max_seq_length", "config_file"], others: {} },
  "15": { unknown: ["model.n_layers", "trainer.decay_multiplier"], others: {} },
  "16": { unknown: ["trainer.num_epochs", "trainer.train_batch_size", "optimizer.lr", "optimizer.wd", "optimizer.warmup_epochs", "neural_encoder.context.forward", "neural_encoder.context.backward", "neural_encoder.norm_and_noise.normalize", "neural_encoder.norm_and_noise.white_noise_SD", "neural_encoder.norm_and_noise.constant_offset_SD", "neural_encoder.embedder.mult", "neural_encoder.embedder.adapt", "neural_encoder.embedder.stack.size", "neural_encoder.embedder.stack.stride", "neural_encoder.embedder.dropout", "neural_encoder.transformer.n_layers", "neural_encoder.transformer.hidden_size", "neural_encoder.transformer.inter_size", "neural_encoder.transformer.n_heads", "neural_encoder.transformer.dropout", "neural_encoder.factors.dropout"], others: {} },
  "17": { unknown: ["model_name", "lr", "num_rao", "num_batches", "obs_between_weight_updates", "obs_to_action_ratio", "interval_save_weights", "interval_print", "wandb", "load_model", "do_lora", "use_loss_difference", "training_ctxt_size", "use_multirao_for_action_gen", "use_rewards_to_go", "dataset_name", "alternate_training", "regular_training"], others: {} },
  "18": { unknown: ["RUN", "MODEL", "DATA_CLASS", "MAX_EPOCHS", "LEARNING_RATE", "LSTM_UNITS", "PATIENCE"], others: {} },
  // W&B rejects it too: `parameters:` with nothing under it is null
  "19": { unknown: [], others: { parameters: "must be a mapping of parameter names" } },
  "20": { unknown: ["hidden-size", "intermediate-size", "num-layers", "k-max"], others: {} },
  "21": { unknown: ["gradient_accumulation_steps", "experiment_args_path", "default_config_path", "prompt_config_path"], others: {} },
  "22": { unknown: ["adam_beta1", "adam_beta2", "adam_eps", "behavior_mode", "bias_mode", "center_crop", "core", "core_lr_scale", "core_reg_scale", "criterion", "dataset", "disable_grid_predictor", "ds_scale", "emb_dim", "epochs", "grid_predictor_dim", "lr", "mlp_dim", "num_blocks", "num_heads", "num_workers", "output_dir", "p_dropout", "patch_size", "pretrain_core", "readout", "readout_reg_scale", "resize_image", "shift_mode", "shifter_reg_scale", "t_dropout"], others: {} },
  "23": { unknown: ["data_path", "vocab_path", "model_save_dir", "model_path", "hidden_dim", "emb_dim", "emb_dropout", "lstm_dropout", "attention_dropout", "num_attention_heads", "max_len", "lr_scheduler_gamma", "epoch", "lr", "eps", "user_mean", "user_std", "loss", "alpha", "beta", "scale", "q"], others: {} },
  // W&B (PyYAML) rejects min: 5e-5 (a string); nested running_settings is rejected here
  "24": { unknown: ["alg", "dataset", "data_path", "rec_loss", "train_batch_size", "neg_train", "n_epochs", "max_patience", "eval_batch_size", "device", "u_n_prototypes", "i_n_prototypes", "lr", "wd", "u_sim_batch_weight", "u_sim_proto_weight", "i_sim_batch_weight", "i_sim_proto_weight"], others: { "parameters.optimizer.value": 'must be one of "sgd" | "momentum" | "adagrad" | "adam" (got the string "adamw")', "parameters.running_settings": "nested parameters (running_settings.parameters) are not supported" } },
  // W&B's schema rejects max_iter without s too
  "25": { unknown: ["epochs", "embedding_method", "embedding_size", "encoder_layers", "decoder_layers", "teacher_forcing", "use_attestations", "beam_size"], others: { "early_terminate.s": "required with max_iter", "parameters.cell.values.0": 'must be one of "rnn" | "lstm" | "gru" (got the string "RNN")', "parameters.cell.values.1": "must be one of", "parameters.cell.values.2": "must be one of" } },
  "26": { unknown: ["lr"], others: {} },
  "27": { unknown: ["lrn_rate", "bodyParts", "epsilon", "epoch"], others: {} },
  // W&B rejects the wrapper's extra top-level keys as well (additionalProperties: false)
  "28": { unknown: ["pre_project_phase_len", "post_project_phases", "phase_multiplier", "lr_multiplier", "joint_lr_step_size", "num_addon_layers", "latent_dim_multiplier_exp", "num_prototypes_per_class", "cluster_coef", "separation_coef", "l1_coef"], others: { train_method: 'unknown top-level key "train_method"', gpu_time_limit: "unknown top-level key", hyper_sweep_parameters: "unknown top-level key", preflight_parameters: "unknown top-level key" } },
  "29": { unknown: ["cluster_coef", "grassmannian_orthogonality_loss_coef", "joint_steps_per_phase_at_lr1", "l1_coef", "last_only_steps_per_joint_step", "lr_multiplier", "lr_step_per_joint_phase_2exp", "num_addon_layers", "num_warm_epochs_at_lr1", "orthogonality_loss_coef", "proto_channels", "separation_coef"], others: { gpu_time_limit: "unknown top-level key", hyper_sweep_parameters: "unknown top-level key", preflight_parameters: "unknown top-level key", train_method: "unknown top-level key" } },
  // W&B flattens nested parameters; RunConfig is flat, so they are rejected with a reason
  "30": { unknown: [], others: { "parameters.optimizer": "nested parameters (optimizer.parameters) are not supported" } },
};

const files = CORPUS ? readdirSync(CORPUS).filter((f) => /\.(ya?ml|json)$/.test(f)).sort() : [];

corpusTest("the corpus has 30 configs and a row for each", () => {
  assert.equal(files.length, 30);
  assert.deepEqual(files.map((f) => f.slice(0, 2)), Object.keys(EXPECTED).sort());
});

for (const file of files) {
  test(`W&B config ${file}`, () => {
    const text = readFileSync(join(CORPUS, file), "utf8");
    const expected = EXPECTED[file.slice(0, 2)];
    // the engine's reading (a file with a program is a program sweep: see below)
    const { program: _program, command: _command, ...engineData } = (readSweepText(text) as { ok: true; data: Record<string, unknown> }).data;
    const result = parseSweepConfig(engineData);
    assert.equal(result.ok, false, "every corpus file names parameters of other programs");
    const issues = (result as { issues: SweepIssue[] }).issues;

    // exactly the expected issues, each with its path
    const unknownPaths = expected.unknown.map((n) => `parameters.${n}`);
    assert.deepEqual(
      issues.map((i) => i.path).sort(),
      [...unknownPaths, ...Object.keys(expected.others)].sort(),
    );
    for (const i of issues) {
      const other = expected.others[i.path];
      if (other !== undefined) assert.ok(i.message.startsWith(other), `${i.path}: ${i.message}`);
      else {
        const name = i.path.slice("parameters.".length);
        assert.ok(i.message.startsWith(`unknown parameter "${name}"`), i.message);
        assert.ok(!i.message.includes(RUN_CONFIG_KEYS.slice(0, 3).join(", ")), "each message is short: no key list");
      }
    }

    // the structure parses as W&B reads it: every spec is a valid W&B spec, nothing dropped
    const read = readSweepText(text);
    assert.ok(read.ok);
    const data = read.data as Record<string, unknown>;
    const params = (data.parameters ?? {}) as Record<string, unknown>;
    for (const [name, spec] of Object.entries(params)) {
      assert.ok(AnyParamSpec.safeParse(spec).success, `parameters.${name} is a valid W&B spec`);
      const flagged = issues.some((i) => i.path === `parameters.${name}` || i.path.startsWith(`parameters.${name}.`));
      assert.ok(flagged || (RUN_CONFIG_KEYS as string[]).includes(name), `parameters.${name} neither used nor reported`);
    }
    for (const key of Object.keys(data))
      assert.ok(TOP_LEVEL_KEYS.includes(key) || issues.some((i) => i.path === key), `top-level ${key} silently dropped`);

    // with a program or a command, the file is a program sweep: read as W&B's free-name schema reads it
    if (isProgramSweep(data)) {
      const asProgram = parseSweepConfigText(text);
      const free = parseWandbSweepConfigText(text);
      assert.equal(asProgram.ok, free.ok, `${file}: ${!asProgram.ok ? asProgram.issues[0].path : ""}`);
      if (!asProgram.ok && !free.ok) assert.deepEqual(asProgram.issues.map((i) => i.path), free.issues.map((i) => i.path));
    }

    // without the parameters and keys that are not ours, what is left is a valid sweep
    const unknownTop = Object.keys(expected.others).filter((p) => !p.includes("."));
    const rejected = new Set([...expected.unknown, ...Object.keys(expected.others).filter((p) => p.startsWith("parameters.")).map((p) => p.split(".")[1])]);
    if (!unknownTop.includes("parameters") && !expected.others["metric.goal"] && !expected.others["early_terminate.s"]) {
      const kept = Object.fromEntries(Object.entries(params).filter(([n]) => !rejected.has(n)));
      if (Object.keys(kept).length > 0) {
        const stripped = { ...Object.fromEntries(Object.entries(data).filter(([k]) => !unknownTop.includes(k))), parameters: kept };
        const again = parseSweepConfig(stripped);
        assert.ok(again.ok, JSON.stringify(!again.ok && again.issues));
      }
    }
  });
}

const read = (file: string) => {
  const r = readSweepText(readFileSync(join(CORPUS, files.find((f) => f.startsWith(file))!), "utf8"));
  assert.ok(r.ok);
  const params = (r.data as { parameters: Record<string, unknown> }).parameters;
  return (name: string) => AnyParamSpec.parse(params[name]) as unknown as Record<string, unknown>;
};

corpusTest("W&B inference and defaults on the corpus", () => {
  const c01 = read("01");
  assert.equal(c01("adaptive_noise_scale").distribution, "uniform"); // 0.0 .. 1.0
  assert.equal(c01("lr_warmup_steps").distribution, "int_uniform"); // 0 .. 100
  assert.equal(c01("network_alpha").distribution, "categorical");
  const c06 = read("06");
  assert.deepEqual(c06("overrides.model.hidden_size"), { distribution: "q_uniform", min: 100, max: 500, q: 1 });
  assert.deepEqual(c06("overrides.trainer.optimizer.lr"), { distribution: "log_uniform", min: -7, max: 0 });
  assert.deepEqual(read("07")("env.a"), { distribution: "uniform", min: 1, max: 10 });
  assert.deepEqual(read("14")("learning_rate"), { distribution: "uniform", min: 0.00001, max: 0.01 });
  assert.equal(read("15")("model.n_layers").distribution, "int_uniform");
  assert.deepEqual(read("22")("emb_dim"), { distribution: "q_log_uniform_values", q: 8, min: 8, max: 1024 });
  assert.deepEqual(read("22")("adam_eps"), { distribution: "constant", value: 1e-8 });
  assert.deepEqual(read("23")("q"), { distribution: "categorical", values: [0.5, 0.7, 0.9] });
  assert.deepEqual(read("28")("lr_multiplier"), { distribution: "normal", mu: 1, sigma: 0.4 });
  assert.deepEqual(read("29")("joint_steps_per_phase_at_lr1"), { distribution: "q_log_normal", mu: 2.3, q: 3, sigma: 0.3 });
  assert.deepEqual(read("02")("rand_augment"), { distribution: "constant", value: "None" });
  assert.deepEqual(read("18")("LSTM_UNITS").values, [2, 4, 8, 16, 32, "2 2", "4 4"]);
  const nested = read("30")("optimizer") as { distribution: string; parameters: Record<string, { parameters?: unknown }> };
  assert.equal(nested.distribution, "nested");
  assert.ok(nested.parameters.nadam.parameters, "two levels of nesting are read");
});

corpusTest("corpus configs with only our parameters left are read as W&B meant", () => {
  const r = readSweepText(readFileSync(join(CORPUS, files[8]), "utf8"));
  assert.ok(r.ok);
  const data = r.data as { parameters: Record<string, unknown> };
  delete data.parameters.gradient_accumulation_steps;
  const c09 = parseSweepConfig(data);
  assert.ok(c09.ok, JSON.stringify(!c09.ok && c09.issues));
  assert.deepEqual(c09.config.parameters.learning_rate, { distribution: "log_uniform", min: -9.9, max: -5.3 });
  assert.deepEqual(c09.config.metric, { name: "eval/loss", goal: "minimize" });
  assert.equal(c09.config.entity, "wandb");
  assert.ok(Array.isArray(c09.config.command), "command is kept");
  assert.equal(sweepSize(c09.config), null); // random, no run_cap: unbounded
});

// --- our own configs --------------------------------------------------------------------------

const ok = (input: unknown): SweepConfig => {
  const r = typeof input === "string" ? parseSweepConfigText(input) : parseSweepConfig(input);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.issues));
  return r.config;
};
const issuesOf = (input: unknown): SweepIssue[] => {
  const r = typeof input === "string" ? parseSweepConfigText(input) : parseSweepConfig(input);
  assert.equal(r.ok, false, "expected issues");
  return (r as { issues: SweepIssue[] }).issues;
};
const messageAt = (input: unknown, path: string) => {
  const all = issuesOf(input);
  const found = all.find((i) => i.path === path);
  assert.ok(found, `no issue at ${path}: ${JSON.stringify(all)}`);
  return found.message;
};

const OURS = `
method: bayes
metric: {name: val_loss, goal: minimize}
early_terminate: {type: hyperband, min_iter: 3}
run_cap: 30
seed: 7
concurrency: 2
program: train.py
parameters:
  learning_rate: {distribution: log_uniform_values, min: 0.0001, max: 0.1}
  dropout: {min: 0.0, max: 0.5}
  hidden_size: {values: [32, 64, 128]}
  num_layers: {min: 1, max: 3}
  cell: {values: [lstm, gru], probabilities: [0.7, 0.3]}
  init_std: {distribution: normal, mu: 0.5, sigma: 0.2}
  layernorm: {value: true}
`;

test("a config of our own parses, with W&B inference and defaults", () => {
  const c = ok(OURS);
  assert.equal(c.method, "bayes");
  assert.deepEqual(c.parameters.dropout, { distribution: "uniform", min: 0, max: 0.5 });
  assert.deepEqual(c.parameters.num_layers, { distribution: "int_uniform", min: 1, max: 3 });
  assert.deepEqual(c.parameters.cell, { distribution: "categorical_w_probabilities", values: ["lstm", "gru"], probabilities: [0.7, 0.3] });
  assert.deepEqual(c.parameters.init_std, { distribution: "normal", mu: 0.5, sigma: 0.2 });
  assert.deepEqual(c.early_terminate, { type: "hyperband", min_iter: 3, eta: 3, strict: true }, "strict defaults to true, as in W&B since wandb/sweeps#108");
  assert.equal(c.replicates, 1);
  assert.equal(c.seed, 7);
  assert.equal(c.program, "train.py");
  assert.equal(sweepSize(c), 30);
});

test("a program sweep's parameter names are refused at once where its runs could not log them, naming the parameter; a metric name they could not log is a warning", () => {
  const program = (parameters: Record<string, unknown>, metric = "loss") => ({ method: "grid", program: "train.py", metric: { name: metric, goal: "minimize" }, parameters });
  assert.match(messageAt(program({ "学习\u3000率": { values: [0.1] } }), "parameters.学习\u3000率"), /"学习\u3000率" is no config key the runs can log: a name is 1–128 letters/);
  assert.match(messageAt(program({ "learning  rate": { values: [0.1] } }), "parameters.learning  rate"), /no config key/);
  assert.match(messageAt(program({ ["x".repeat(200)]: { value: 1 } }), `parameters.${"x".repeat(200)}`), /no config key/);
  // nested parameters name `parent.child`, as the clients flatten them; a choice's sub-parameters their own name
  assert.match(messageAt(program({ optimizer: { parameters: { " beta": { value: 0.9 } } } }), "parameters.optimizer.parameters. beta"), /"optimizer\. beta" is no config key/);
  assert.match(messageAt(program({ opt: { choices: { adam: { "β 1 ": { value: 0.9 } } } } }), "parameters.opt.choices.adam.β 1 "), /"β 1 " is no config key/);
  // a metric name the logging API refuses (a tab in it): W&B takes it, so a warning
  ok(program({ lr: { value: 0.1 } }, "val\tloss"));
  assert.deepEqual(sweepWarnings(program({ lr: { value: 0.1 } }, "val\tloss"), { engine: false }).map((w) => w.path), ["metric.name"]);
  // names with inner spaces pass, as W&B takes them (a real W&B config's "test intent_acc")
  ok(program({ "learning rate": { values: [0.1] }, optimizer: { parameters: { "beta 1": { value: 0.9 } } }, opt: { choices: { adam: { "β 1": { value: 0.9 } } } } }, "val loss"));
  assert.deepEqual(sweepWarnings(program({ "learning rate": { values: [0.1] } }, "train acc (%)"), { engine: false }), []);
  // W&B-style names pass, in any script too (W&B takes 学习率)
  ok(program({ "lr(group_0)": { value: 1 }, "optimizer.lr": { value: 0.1 }, model: { parameters: { "eval/acc@1": { value: 1 } } } }, "val/loss"));
  ok(program({ 学习率: { values: [0.1] }, größe: { parameters: { 层数: { value: 2 } } }, opt: { choices: { adam: { β1: { value: 0.9 } } } } }, "val/точность"));
  assert.deepEqual(sweepWarnings(program({ 学习率: { values: [0.1] } }, "损失"), { engine: false }), []);
});

test("numbers PyYAML (the wandb CLI's reader) takes for strings are read as numbers here, with a warning naming the spelling both read alike", () => {
  const r = parseSweepConfigText("method: random\nparameters:\n  learning_rate: {min: 9e-6, max: 1.0e-2}\n  dropout: {values: [0.5, 1e-1]}\n  steps: {value: 2.0e+3}\n");
  assert.ok(r.ok, JSON.stringify(!r.ok && r.issues));
  assert.equal(r.config.parameters.learning_rate.distribution, "uniform");
  const pyyaml = r.warnings.filter((w) => w.message.includes("PyYAML"));
  assert.deepEqual(pyyaml.map((w) => w.path), ["parameters.learning_rate.min", "parameters.dropout.values.1"]);
  assert.match(pyyaml[0].message, /reads 9e-6 as the string "9e-6".*Written 9\.0e-6, both read it as that number/);
  assert.match(pyyaml[1].message, /Written 1\.0e-1/);
  // JSON is read by W&B's JSON reader, which agrees
  const json = parseSweepConfigText('{"method": "random", "parameters": {"learning_rate": {"min": 9e-6, "max": 0.01}}}');
  assert.deepEqual(json.warnings.filter((w) => w.message.includes("PyYAML")), []);
});

const pyyaml = spawnSync("python3", ["-c", "import yaml"]).status === 0;

test("the YAML the app writes reads the same in PyYAML, the wandb CLI's reader (exponent-form numbers as floats)", { skip: pyyaml ? false : "python3 with PyYAML (Debian's python3-yaml) is not on this machine" }, () => {
  const value = { method: "random", parameters: { learning_rate: { min: 1e-7, max: 0.01 }, big: { value: 1e21 }, tiny: { values: [2e-5, -4e-9, 1.5e-300, 0.5, 3, "1e-7"] } } };
  const text = toYaml(value);
  assert.match(text, /min: 1\.0e-7/);
  const read = spawnSync("python3", ["-c", "import sys, yaml, json; print(json.dumps(yaml.safe_load(sys.stdin.read())))"], { input: text, encoding: "utf8" });
  assert.equal(read.status, 0, read.stderr);
  assert.deepEqual(JSON.parse(read.stdout), value);
  // and ours reads it back the same, with nothing to warn about
  const ours = parseSweepConfigText(sweepToYaml(ok({ method: "random", parameters: { learning_rate: { distribution: "log_uniform_values", min: 1e-7, max: 0.01 } } })));
  assert.ok(ours.ok);
  assert.deepEqual(ours.warnings.filter((w) => w.message.includes("PyYAML")), []);
});

test("JSON text and objects go through the same schema", () => {
  const json = ok(`{"method": "grid", "parameters": {"cell": {"values": ["rnn", "lstm"]}, "dropout": {"values": [0, 0.25]}}, "replicates": 3}`);
  assert.deepEqual(json.metric, { name: "val_loss", goal: "minimize" }, "metric defaults to val_loss");
  assert.equal(sweepSize(json), 12);
  assert.deepEqual(ok(JSON.parse(sweepToJson(json))), json);
});

test("YAML and JSON round-trips give the same config", () => {
  const c = ok(OURS);
  assert.deepEqual(ok(sweepToYaml(c)), c);
  assert.deepEqual(ok(sweepToJson(c)), c);
  const withFloats = ok({ method: "random", parameters: { dropout: { distribution: "uniform", min: 0, max: 0.5 }, grad_clip: { distribution: "uniform", min: 1, max: 5 } } });
  assert.deepEqual(ok(sweepToYaml(withFloats)), withFloats);
});

test("float bounds written as 1.0 stay uniform (W&B), integer bounds give int_uniform", () => {
  assert.equal(ok("method: random\nparameters:\n  grad_clip: {min: 1.0, max: 5.0}").parameters.grad_clip.distribution, "uniform");
  assert.equal(ok("method: random\nparameters:\n  grad_clip: {min: 1, max: 5}").parameters.grad_clip.distribution, "int_uniform");
  assert.equal(ok({ method: "random", parameters: { dropout: { min: 0, max: 0.5 } } }).parameters.dropout.distribution, "uniform");
});

test("values must fit RunConfig, with a path to the exact value", () => {
  assert.equal(messageAt({ method: "random", parameters: { dropout: { min: 0, max: 1.0 } } }, "parameters.dropout.max"), "must be < 1 (got 1)");
  assert.equal(messageAt({ method: "random", parameters: { dropout: { min: -0.1, max: 0.5 } } }, "parameters.dropout.min"), "must be ≥ 0 (got -0.1)");
  assert.equal(messageAt({ method: "grid", parameters: { cell: { values: ["lstm", "transformer"] } } }, "parameters.cell.values.1"), 'must be one of "rnn" | "lstm" | "gru" (got the string "transformer")');
  assert.equal(messageAt({ method: "grid", parameters: { hidden_size: { values: [64, 96.5] } } }, "parameters.hidden_size.values.1"), "must be an integer (got 96.5)");
  assert.equal(messageAt({ method: "grid", parameters: { layernorm: { values: ["true", "false"] } } }, "parameters.layernorm.values.0"), 'must be a boolean (got the string "true")');
  assert.equal(messageAt({ method: "random", parameters: { learning_rate: { value: 0 } } }, "parameters.learning_rate.value"), "must be > 0 (got 0)");
  assert.match(messageAt({ method: "random", parameters: { learning_rate: { distribution: "log_uniform", min: -5, max: 5 } } }, "parameters.learning_rate.max"), /^exp\(5\) = 148\.413 must be ≤ 100/);
  assert.match(messageAt({ method: "random", parameters: { hidden_size: { distribution: "uniform", min: 16, max: 64 } } }, "parameters.hidden_size.distribution"), /hidden_size is an integer but uniform gives fractions/);
  assert.match(messageAt({ method: "random", parameters: { hidden_size: { distribution: "q_uniform", min: 16, max: 64, q: 0.5 } } }, "parameters.hidden_size.q"), /q must be a whole number/);
  assert.match(messageAt({ method: "random", parameters: { cell: { min: 1, max: 3 } } }, "parameters.cell.distribution"), /cell takes a choice \(rnn \| lstm \| gru\)/);
  assert.match(messageAt({ method: "random", parameters: { dropout: { distribution: "normal", mu: 2, sigma: 0.1 } } }, "parameters.dropout.mu"), /centre of this distribution, 2, is not a valid dropout: must be < 1/);
  assert.equal(messageAt({ method: "random", parameters: { dropout: { min: 0.5, max: 0.2 } } }, "parameters.dropout.max"), "must be greater than min (0.5)");
});

test("unknown parameters, keys and distributions are errors with paths", () => {
  const m = messageAt({ method: "random", parameters: { foo: { value: 1 } } }, "parameters.foo");
  assert.equal(m, `unknown parameter "foo": not a RunConfig key`);
  assert.match(messageAt({ method: "random", parameters: { lr: { value: 0.1 } } }, "parameters.lr"), /did you mean "learning_rate"\?/);
  assert.match(messageAt({ method: "random", parameters: { dropout: { distribution: "uniformm", min: 0, max: 0.5 } } }, "parameters.dropout.distribution"), /^unknown distribution "uniformm" \(one of: constant, categorical/);
  assert.match(messageAt({ method: "random", parameters: { dropout: { min: 0, max: 0.5, step: 0.1 } } }, "parameters.dropout.step"), /"step" is not a key of a uniform parameter \(allowed: distribution, min, max\)/);
  assert.match(messageAt({ method: "random", parameters: { dropout: 0.1 } }, "parameters.dropout"), /must be a mapping such as \{value: 0.1\}/);
  assert.match(messageAt({ method: "random", parameters: { dropout: {} } }, "parameters.dropout"), /cannot tell the distribution/);
  assert.match(messageAt({ method: "random", parameters: { dropout: { value: 0 } }, progam: "x" }, "progam"), /unknown top-level key "progam"/);
  assert.match(messageAt({ method: "anneal", parameters: { dropout: { value: 0 } } }, "method"), /must be one of grid \| random \| bayes/);
  assert.equal(messageAt({ parameters: { dropout: { value: 0 } } }, "method"), "required");
  assert.match(messageAt({ method: "random", parameters: {} }, "parameters"), /at least one parameter/);
  assert.match(messageAt({ method: "random", metric: { name: "val_loss", goal: "down" }, parameters: { dropout: { value: 0 } } }, "metric.goal"), /must be "minimize" or "maximize"/);
  assert.match(messageAt({ method: "random", parameters: { cell: { values: ["rnn", "lstm"], probabilities: [0.5, 0.6] } } }, "parameters.cell.probabilities"), /must sum to 1/);
  assert.match(messageAt({ method: "random", parameters: { cell: { values: ["rnn", "lstm"], probabilities: [1] } } }, "parameters.cell.probabilities"), /one probability per value/);
});

test("a top-level mistake never hides the others: a fractional run_cap, replicates or int_uniform bound still lets every parameter be checked", () => {
  const paths = (c: Record<string, unknown>) => {
    const r = parseSweepConfig(c);
    return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`);
  };
  const dropout = "parameters.dropout.values.1: must be < 1 (got 2)";
  for (const top of [{ run_cap: -3 }, { run_cap: 2.5 }, { replicates: 1.5 }, { concurrency: 2.5 }, { seed: 0.5 }, { early_terminate: { type: "median", min_iter: 1.5 } }]) {
    const issues = paths({ method: "random", metric: { name: "val_loss" }, parameters: { dropout: { values: [0, 2] } }, ...top });
    assert.ok(issues.includes(dropout), `${JSON.stringify(top)}: ${issues.join("; ")}`);
    assert.equal(issues.length, 2, issues.join("; "));
  }
  assert.deepEqual(paths({ method: "bayes", run_cap: 2.5, parameters: { hidden_size: { distribution: "int_uniform", min: 1.5, max: 8 }, dropout: { values: [0, 2] } } }).sort(), [
    "metric: required for method: bayes (as in W&B), e.g. metric: {name: val_loss, goal: minimize}",
    "parameters.hidden_size.min: must be an integer (got 1.5)",
    dropout,
    "run_cap: must be an integer (got 2.5)",
  ].sort());
});

test("metric is required for bayes and hyperband, as in W&B", () => {
  assert.match(messageAt({ method: "bayes", parameters: { dropout: { min: 0, max: 0.5 } } }, "metric"), /required for method: bayes/);
  assert.match(messageAt({ method: "random", early_terminate: { type: "hyperband", min_iter: 2 }, parameters: { dropout: { min: 0, max: 0.5 } } }, "metric"), /required by early_terminate/);
});

test("a program's sweep without a metric has none (as W&B): random and grid search it, bayes and early termination are refused naming metric", () => {
  const program = { program: "train.py", parameters: { lr: { values: [0.1, 0.01] } } };
  for (const method of ["random", "grid"]) {
    const r = parseSweepConfig({ ...program, method });
    assert.ok(r.ok && r.config.metric === undefined, JSON.stringify(r));
    assert.ok(!("metric" in sweepToObject(r.config)), "its stored config names no metric either");
    assert.ok(!proposeNext(r.config, []).done, `${method} proposes without a metric`);
  }
  assert.match(messageAt({ ...program, method: "bayes" }, "metric"), /^required for method: bayes/);
  assert.match(messageAt({ ...program, method: "random", early_terminate: { type: "hyperband", min_iter: 3 } }, "metric"), /^required by early_terminate: hyperband/);
  assert.match(messageAt({ ...program, method: "random", early_terminate: { type: "median" } }, "metric"), /^required by early_terminate: median/);
  // its own metric is kept as written; an engine sweep keeps val_loss, which every engine run logs
  assert.deepEqual(ok({ ...program, method: "bayes", metric: { name: "acc", goal: "maximize" } }).metric, { name: "acc", goal: "maximize" });
  assert.deepEqual(ok({ method: "random", parameters: { dropout: { values: [0, 0.2] } } }).metric, { name: "val_loss", goal: "minimize" });
});

test("early_terminate checks", () => {
  const base = { method: "random", metric: { name: "val_loss" }, parameters: { dropout: { min: 0, max: 0.5 } } };
  assert.match(messageAt({ ...base, early_terminate: { type: "hyperband", max_iter: 27 } }, "early_terminate.s"), /required with max_iter/);
  assert.match(messageAt({ ...base, early_terminate: { type: "hyperband" } }, "early_terminate.min_iter"), /give min_iter/);
  // W&B accepts min_iter beside max_iter + s (max_iter wins): a warning here, not an error
  const both = parseSweepConfig({ ...base, early_terminate: { type: "hyperband", min_iter: 3, max_iter: 27, s: 2 } });
  assert.ok(both.ok);
  assert.match(both.warnings.find((w) => w.path === "early_terminate.min_iter")?.message ?? "", /^ignored: with max_iter/);
  assert.equal(messageAt({ ...base, early_terminate: { type: "hyperband", min_iter: 3, eta: 1 } }, "early_terminate.eta"), "must be > 1 (got 1)");
  assert.match(messageAt({ ...base, early_terminate: { type: "envelope" } }, "early_terminate.type"), /must be "hyperband" or "median"/);
  assert.deepEqual(ok({ ...base, early_terminate: { type: "median" } }).early_terminate, { type: "median", min_iter: 3, min_runs: 5 });
});

test("grid over a continuous distribution, and an oversized grid, are errors", () => {
  assert.match(messageAt({ method: "grid", parameters: { dropout: { min: 0, max: 0.5 } } }, "parameters.dropout.distribution"), /grid search needs a finite set of values, but uniform is continuous/);
  assert.match(messageAt({ method: "grid", parameters: { cell: { values: ["rnn", "lstm"], probabilities: [0.5, 0.5] } } }, "parameters.cell.probabilities"), /probabilities are not allowed/);
  const big = { method: "grid", parameters: { hidden_size: { min: 1, max: 2048 }, seq_length: { min: 1, max: 100 } } };
  assert.equal(
    messageAt(big, "parameters"),
    `the grid has 204,800 combinations, more than the limit of ${GRID_LIMIT.toLocaleString("en-US")}: use fewer values or method: random with run_cap`,
  );
  const g = ok({ method: "grid", parameters: { num_layers: { min: 1, max: 3 }, dropout: { distribution: "q_uniform", min: 0, max: 0.5, q: 0.25 }, cell: { value: "gru" } }, run_cap: 5 });
  assert.equal(sweepSize(g), 5, "run_cap caps the grid (3 × 2 = 6: numpy.arange(0, 0.5, 0.25) leaves 0.5 out)");
  assert.equal(sweepSize({ ...g, run_cap: undefined }), 6);
});

test("replicates and a swept seed do not mix", () => {
  assert.match(messageAt({ method: "grid", replicates: 3, parameters: { seed: { values: [1, 2] } } }, "parameters.seed"), /cannot be swept too/);
});

test("nested parameters are read, then rejected with the reason", () => {
  const m = messageAt({ method: "grid", parameters: { optimizer: { parameters: { lr: { values: [1, 2] } } } } }, "parameters.optimizer");
  assert.match(m, /nested parameters \(optimizer\.parameters\) are not supported: a run's config is flat/);
  // mistakes inside are reported at their own path
  assert.match(messageAt({ method: "grid", parameters: { x: { parameters: { y: { min: 0, mox: 1 } } } } }, "parameters.x.parameters.y.mox"), /"mox" is not a key/);
});

test("broken text never crashes: syntax errors, odd documents, duplicate keys", () => {
  for (const text of ["", "   \n", "method: [grid", "- 1\n- 2", "42", "null", "a: 1\na: 2", "{", "method: grid\nparameters:\n  dropout: {values: [0.1]}\n---\nmethod: random"]) {
    const r = parseSweepConfigText(text);
    assert.equal(r.ok, false, text);
    assert.ok(!r.ok && r.issues.length > 0 && r.issues.every((i) => typeof i.path === "string" && i.message.length > 0));
  }
  assert.match(parseSweepConfigText("a: 1\na: 2").ok ? "" : (parseSweepConfigText("a: 1\na: 2") as { issues: SweepIssue[] }).issues[0].message, /unique/);
  assert.equal(messageAt("- 1\n- 2", ""), "a sweep config must be a mapping of keys (got a list [1,2])");
});

test("odd values anywhere give issues, never a crash", async () => {
  const { makeRng } = await import("./rng.ts");
  const odd: unknown[] = [null, 0, -1, 1.5, "", "x", true, [], [1, "a"], {}, { a: 1 }, 1e308, -0];
  const rng = makeRng(2024);
  const keys = ["method", "metric", "parameters", "early_terminate", "run_cap", "seed", "replicates", "concurrency", "command", "controller"];
  const specKeys = ["distribution", "value", "values", "probabilities", "min", "max", "q", "mu", "sigma", "a", "b", "parameters"];
  for (let i = 0; i < 400; i++) {
    const cfg: Record<string, unknown> = {
      method: ["grid", "random", "bayes"][rng.int(3)],
      metric: { name: "val_loss" },
      parameters: { dropout: { min: 0, max: 0.5 }, cell: { values: ["rnn", "lstm"] } },
    };
    const pick = <T,>(xs: readonly T[]) => xs[rng.int(xs.length)];
    if (rng.next() < 0.5) cfg[pick(keys)] = pick(odd);
    else {
      const spec: Record<string, unknown> = {};
      for (let k = 0; k < 1 + rng.int(3); k++) spec[pick(specKeys)] = rng.next() < 0.3 ? pick(["uniform", "normal", "q_uniform", "categorical", "constant", "nested"]) : pick(odd);
      (cfg.parameters as Record<string, unknown>)[pick(["dropout", "hidden_size", "cell", "foo", "layernorm"])] = spec;
    }
    const r = parseSweepConfig(cfg);
    if (!r.ok) for (const issue of r.issues) assert.ok(typeof issue.path === "string" && issue.message.length > 0);
    // the same through text
    parseSweepConfigText(JSON.stringify(cfg));
  }
  // text mangling of a real config (or of our own when the corpus is absent)
  const text = files[9] ? readFileSync(join(CORPUS, files[9]), "utf8") : OURS;
  for (let i = 0; i < 200; i++) {
    const at = rng.int(text.length);
    const mangled = text.slice(0, at) + pick2(rng) + text.slice(at + rng.int(5));
    const r = parseSweepConfigText(mangled);
    assert.ok(r.ok || r.issues.length > 0);
  }
  function pick2(r: { int(n: number): number }) {
    return ["", ":", "- ", "{", "]", "\t", "\n  ", "'", "&a *a", "!!binary x"][r.int(10)];
  }
});

test("a sweep whose largest run cannot fit in memory is refused on the parameter to change", () => {
  const tooBig = parseSweepConfig({
    method: "random",
    parameters: { hidden_size: { values: [128, 2048] }, num_layers: { values: [1, 4] }, batch_size: { value: 256 }, seq_length: { value: 256 } },
  });
  assert.equal(tooBig.ok, false);
  const issues = tooBig.ok ? [] : tooBig.issues;
  assert.deepEqual(issues.map((i) => i.path), ["parameters.batch_size"]);
  assert.match(issues[0].message, /largest run this sweep can propose \(hidden_size 2048, num_layers 4, batch_size 256, seq_length 256\).*needs ~\d+ GiB/);
  // the same sweep at sizes that fit parses
  assert.equal(parseSweepConfig({ method: "random", parameters: { hidden_size: { values: [128, 256] }, batch_size: { value: 64 } } }).ok, true);
  const range = parseSweepConfig({ method: "random", parameters: { hidden_size: { distribution: "int_uniform", min: 32, max: 4096 }, num_layers: { value: 8 }, batch_size: { value: 512 } } });
  assert.equal(range.ok, false, "the range's top (hidden 4096 × 8 layers) is too big");
});

// --- warnings (issue 12, issue 17 §3) -------------------------------------------------------

const warningAt = (input: unknown, path: string) => {
  const r = typeof input === "string" ? parseSweepConfigText(input) : parseSweepConfig(input);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.issues));
  const w = r.warnings.find((x) => x.path === path);
  assert.ok(w, `no warning at ${path}: ${JSON.stringify(r.warnings)}`);
  return w.message;
};

test("log_uniform takes natural-log exponents: accepted (as W&B) with W&B's deprecation, naming the values it draws and log_uniform_values", () => {
  const m = warningAt({ method: "random", parameters: { learning_rate: { distribution: "log_uniform", min: 0.0001, max: 0.1 } } }, "parameters.learning_rate.distribution");
  assert.equal(
    m,
    "learning_rate uses log_uniform, where min/max are base-e exponents: its values run from exp(0.0001) = 1.0001 to exp(0.1) = 1.10517. " +
      "W&B deprecates it; for values between 0.0001 and 0.1 use log_uniform_values",
  );
  assert.match(
    warningAt({ method: "random", parameters: { init_std: { distribution: "inv_log_uniform", min: 0, max: 2 } } }, "parameters.init_std.distribution"),
    /from exp\(-2\) = 0\.135335 to exp\(-0\) = 1\. W&B deprecates it; the same law is inv_log_uniform_values with min 0\.135335, max 1$/,
  );
  assert.match(warningAt({ method: "random", parameters: { hidden_size: { distribution: "q_log_uniform", min: 3, max: 5, q: 1 } } }, "parameters.hidden_size.distribution"), /use q_log_uniform_values$/);
});

test("probabilities that sum to 1 within numpy.isclose are valid (W&B checks numpy.isclose(sum, 1))", () => {
  assert.ok(parseSweepConfig({ method: "random", parameters: { cell: { values: ["rnn", "lstm", "gru"], probabilities: [0.333333, 0.333333, 0.333333] } } }).ok);
  assert.match(messageAt({ method: "random", parameters: { cell: { values: ["rnn", "lstm", "gru"], probabilities: [0.33, 0.33, 0.33] } } }, "parameters.cell.probabilities"), /must sum to 1/);
});

test("metric names: a name no run logs is a warning that names the logged ones and the closest (issue 17 §3)", () => {
  const typo = warningAt({ method: "random", metric: { name: "val_los" }, parameters: { dropout: { values: [0, 0.25] } } }, "metric.name");
  assert.equal(
    typo,
    'a charlm run never logs "val_los", so the sweep would never see its metric (bayes, early termination and the best run rely on it). Did you mean "val_loss"? Logged: val_loss, saturation, train_loss, grad_norm, lr, throughput',
  );
  assert.match(warningAt({ method: "random", metric: { name: "val_acc", goal: "maximize" }, parameters: { dropout: { values: [0, 0.25] } } }, "metric.name"), /^a charlm run never logs "val_acc"/);
  const mixed = warningAt({ method: "grid", metric: { name: "val_acc", goal: "maximize" }, parameters: { task: { values: ["quadrant", "charlm"] } } }, "metric.name");
  assert.match(mixed, /^runs of charlm never log "val_acc", so the sweep would not see its metric for them/);
  const quadrant = parseSweepConfig({ method: "random", metric: { name: "val_acc", goal: "maximize" }, parameters: { task: { value: "quadrant" } } });
  assert.ok(quadrant.ok && quadrant.warnings.length === 0, JSON.stringify(quadrant.ok && quadrant.warnings));
  assert.match(warningAt({ method: "random", metric: { name: "val_acc", goal: "minimize" }, parameters: { task: { value: "quadrant" } } }, "metric.goal"), /val_acc is an accuracy: higher is better, but the goal is minimize/);
});

test("early termination keys W&B ignores are warnings; bayes-only metric keys on other methods too", () => {
  const base = { method: "random", metric: { name: "val_loss" }, parameters: { dropout: { min: 0, max: 0.5 } } };
  assert.match(warningAt({ ...base, early_terminate: { type: "hyperband", min_iter: 3, s: 2 } }, "early_terminate.s"), /ignored with min_iter \(as W&B\)/);
  assert.match(warningAt({ ...base, metric: { name: "val_loss", impute_while_running: "latest" } }, "metric.impute_while_running"), /only bayes search uses it/);
  const bayes = parseSweepConfig({ ...base, method: "bayes", metric: { name: "val_loss", impute_while_running: "latest" } });
  assert.ok(bayes.ok && bayes.config.metric?.impute_while_running === "latest", "W&B's impute_while_running: latest is accepted");
});

test("an explicit int_uniform written with float bounds is refused, as W&B's schema does (text keeps 0.0 apart from 0)", () => {
  const r = parseSweepConfigText("method: random\nparameters:\n  num_layers: {distribution: int_uniform, min: 1.0, max: 3}\n");
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.issues[0].message : "", /must be an integer, written without a decimal point \(got 1 written as a float\)/);
});

test("a q_uniform grid whose max is a step away from min warns that numpy.arange leaves max out", () => {
  const m = warningAt({ method: "grid", parameters: { hidden_size: { distribution: "q_uniform", min: 16, max: 64, q: 16 } } }, "parameters.hidden_size.max");
  assert.match(m, /^the grid stops before max \(64\): W&B enumerates q_uniform as numpy\.arange\(min, max, q\)/);
  const r = parseSweepConfig({ method: "grid", parameters: { dropout: { distribution: "q_uniform", min: 0.04, max: 0.26, q: 0.1 } } });
  assert.ok(r.ok && r.warnings.length === 0, "0.26 is not on the grid anyway: nothing to say");
});

test("the parameters a sweep varies: not a one-value list; a range, a law, a nested program parameter and a choice do", () => {
  const varied = (yaml: string) => {
    const parsed = parseSweepConfigText(yaml);
    assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.issues));
    return variedParameterNames(parsed.config);
  };
  assert.deepEqual(varied("method: grid\nparameters:\n  learning_rate: {values: [0.01]}\n  dropout: {values: [0, 0.2]}\n  cell: {value: lstm}\n"), ["dropout"]);
  assert.deepEqual(varied("method: random\nparameters:\n  learning_rate: {distribution: log_uniform_values, min: 0.001, max: 0.1}\n  hidden_size: {min: 16, max: 64}\n"), ["hidden_size", "learning_rate"]);
  assert.deepEqual(varied("program: train.py\nmethod: grid\nparameters:\n  optimizer:\n    parameters:\n      lr: {values: [0.1, 0.01]}\n      name: {value: sgd}\n  batch_size: {values: [16, 32]}\n"), ["batch_size", "optimizer.lr"]);
  assert.deepEqual(varied("method: grid\nparameters:\n  optimizer:\n    choices:\n      sgd: {}\n      momentum:\n        momentum: {values: [0.9]}\n"), ["optimizer"]);
});
