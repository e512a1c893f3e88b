import { loadParams, type Checkpoint } from "./checkpoint";
import { buildModel } from "./build";
import { hiddenActivations, type Activations } from "./diagnostics";
import { createJsBackend } from "./kernels/js";
import { SeqModel } from "./seqmodel";
import { Vocab } from "./tasks/charlm";

export type { Activations } from "./diagnostics";

/**
 * The "quote detector" view: activations of `layer` (0 = bottom) of a trained charlm over
 * `text`, from a checkpoint (files.ts reads one from a path). Characters the model never saw
 * are an error.
 */
export function activationsFromCheckpoint(checkpoint: Checkpoint, text: string, layer: number): Activations {
  if (checkpoint.config.task !== "charlm" || !checkpoint.vocab) throw new Error("activations need a charlm checkpoint");
  const vocab = new Vocab(checkpoint.vocab);
  const model = buildModel(checkpoint.config, { kind: "seq", vocab: vocab.size, classes: vocab.size, head: "many_to_many" }, createJsBackend());
  if (!(model instanceof SeqModel)) throw new Error("not a recurrent model");
  loadParams(model, checkpoint.params);
  return hiddenActivations(model, vocab, text, layer);
}
