import type { RunConfig } from "./config";
import type { Backend } from "./kernels/backend";
import { Mlp } from "./mlp";
import type { Model } from "./model";
import { SeqModel } from "./seqmodel";
import type { ModelShape } from "./tasks/task";

/** The model a task needs, sized by the config (weights not yet initialised). */
export function buildModel(config: RunConfig, shape: ModelShape, backend: Backend): Model {
  if (shape.kind === "mlp")
    return new Mlp(backend, {
      inputs: shape.inputs,
      hidden: config.hidden_size,
      classes: shape.classes,
      activation: config.activation,
      layernorm: config.layernorm,
      dropout: config.dropout,
    });
  return new SeqModel(backend, {
    vocab: shape.vocab,
    classes: shape.classes,
    cell: config.cell,
    activation: config.activation,
    hidden: config.hidden_size,
    layers: config.num_layers,
    embeddingDim: config.embedding_dim,
    dropout: config.dropout,
    layernorm: config.layernorm,
    learnedH0: config.h0 === "learned",
    head: shape.head,
  });
}
