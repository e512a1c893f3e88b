"""Replay one engine run of delayed_recall in float64 PyTorch (bench/recall-replay.ts writes DIR).

    /usr/bin/python3 bench/baselines/recall_replay.py DIR

DIR holds meta.json (the resolved RunConfig, the parameter names and shapes, the batch shapes),
params.f64 (the engine's initial weights, in its parameter order), train_inputs.i32 /
train_targets.i32 (every training batch the engine drew, in order) and eval_inputs.i32 /
eval_targets.i32 (its held-out batches). The model is built from the same weights on torch.nn.LSTM or
torch.nn.RNN (embedding, the recurrent layers, a linear head, mean cross-entropy over the steps
that have a target), trained with torch.optim.Adam after the same
global-norm clipping, and evaluated every eval_every steps. Prints one JSON object:
{"train_loss": [per step], "evals": [{"step", "val_loss", "val_acc"}]}.
"""
import json
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)


def load(dir_: Path):
    meta = json.loads((dir_ / "meta.json").read_text())
    flat = np.fromfile(dir_ / "params.f64", dtype=np.float64)
    weights, offset = {}, 0
    for p in meta["params"]:
        size = int(np.prod(p["shape"]))
        weights[p["name"]] = torch.tensor(flat[offset:offset + size].reshape(p["shape"]))
        offset += size
    assert offset == flat.size, "params.f64 does not match the parameter list"

    def batches(name, count):
        T, B = meta["T"], meta["B"]
        x = np.fromfile(dir_ / f"{name}_inputs.i32", dtype=np.int32).reshape(count, T, B)
        y = np.fromfile(dir_ / f"{name}_targets.i32", dtype=np.int32).reshape(count, T * B)
        return torch.tensor(x, dtype=torch.long), torch.tensor(y, dtype=torch.long)

    return meta, weights, batches("train", meta["steps"]), batches("eval", meta["evalBatches"])


class Model(torch.nn.Module):
    """The engine's model on torch.nn.LSTM / torch.nn.RNN (gates [i|f|g|o], as the engine's).

    The engine has one bias per layer where torch has b_ih + b_hh, which Adam would update
    twice: so the torch layers have no bias and read a constant 1 as an extra input feature,
    whose input weights are the engine's bias.
    """

    def __init__(self, c, W):
        super().__init__()
        self.c = c
        H, L, E = c["hidden_size"], c["num_layers"], c["embedding_dim"]
        self.embed = torch.nn.Parameter(W["embed.E"].clone()) if E > 0 else None
        self.vocab = W["layer0.Wx"].shape[0] if E == 0 else None
        kind = {"lstm": torch.nn.LSTM, "rnn": torch.nn.RNN}.get(c["cell"])
        if kind is None or (c["cell"] == "rnn" and c["activation"] != "tanh"):
            raise SystemExit(f"replay supports lstm and tanh rnn, not {c['cell']}/{c['activation']}")
        self.layers = torch.nn.ModuleList()
        for l in range(L):
            inputs = W[f"layer{l}.Wx"].shape[0]
            layer = kind(inputs + 1, H, bias=False)
            with torch.no_grad():
                layer.weight_ih_l0.copy_(torch.cat([W[f"layer{l}.Wx"], W[f"layer{l}.b"][None, :]]).T)
                layer.weight_hh_l0.copy_(W[f"layer{l}.Wh"].T)
            self.layers.append(layer)
        self.head_W = torch.nn.Parameter(W["head.W"].clone())
        self.head_b = torch.nn.Parameter(W["head.b"].clone())

    def forward(self, inputs, targets):
        """Summed cross-entropy, target count and correct count of one batch [T, B], from h0 = 0."""
        T, B = inputs.shape
        x = self.embed[inputs] if self.embed is not None else F.one_hot(inputs, self.vocab).double()
        for layer in self.layers:
            x, _ = layer(torch.cat([x, torch.ones(T, B, 1)], dim=2))
        logits = (x @ self.head_W + self.head_b).reshape(T * B, -1)
        keep = targets >= 0
        loss_sum = F.cross_entropy(logits[keep], targets[keep], reduction="sum")
        correct = (logits[keep].argmax(1) == targets[keep]).sum().item()
        return loss_sum, int(keep.sum().item()), correct


def main():
    dir_ = Path(sys.argv[1])
    meta, weights, (train_x, train_y), (eval_x, eval_y) = load(dir_)
    c = meta["config"]
    model = Model(c, weights)
    assert c["optimizer"] == "adam" and c["lr_schedule"] == "constant" and c["warmup_steps"] == 0
    assert c["dropout"] == 0 and c["weight_decay"] == 0 and not c["layernorm"] and c["h0"] == "zeros"
    params = list(model.parameters())
    opt = torch.optim.Adam(params, lr=c["learning_rate"], betas=(0.9, 0.999), eps=1e-8)
    train_loss, evals = [], []

    def evaluate(step):
        with torch.no_grad():
            loss, count, correct = 0.0, 0, 0
            for x, y in zip(eval_x, eval_y):
                l, n, k = model(x, y)
                loss, count, correct = loss + l.item(), count + n, correct + k
        evals.append({"step": step, "val_loss": loss / count, "val_acc": correct / count})

    for s in range(meta["steps"]):
        opt.zero_grad()
        loss_sum, count, _ = model(train_x[s], train_y[s])
        loss = loss_sum / count
        loss.backward()
        train_loss.append(loss.item())
        norm = torch.sqrt(sum((p.grad ** 2).sum() for p in params))
        if c["grad_clip"] > 0 and norm > c["grad_clip"]:
            for p in params:
                p.grad.mul_(c["grad_clip"] / norm)
        opt.step()
        step = s + 1
        if step % c["eval_every"] == 0 or step == meta["steps"]:
            evaluate(step)
    print(json.dumps({"train_loss": train_loss, "evals": evals}))


if __name__ == "__main__":
    main()
