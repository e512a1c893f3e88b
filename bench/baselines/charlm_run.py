"""One char-LSTM run in PyTorch, as a W&B agent starts it: one process per run (bench/sweep-throughput.ts).

    /usr/bin/python3 bench/baselines/charlm_run.py CORPUS_FILE '{"hidden_size": 64, ...}'

The same model, data and schedule as the engine's charlm task (engine/tasks/charlm.ts,
engine/seqmodel.ts, engine/train.ts): characters -> embedding -> num_layers LSTM layers, each
followed by inverted dropout -> linear head -> mean cross-entropy; Adam after global-norm
clipping; the training text (the first 1 - val_fraction of the corpus) cut into batch_size
contiguous streams read seq_length characters at a time with the hidden state carried between
chunks (truncated BPTT), restarting from zeros after a full pass; the held-out tail cut the
same way into at most batch_size streams, eval_batches chunks of it evaluated every eval_every
steps and at the end. train_loss is averaged every log_every steps, as a script that logs to
W&B would. One thread (torch.set_num_threads(1)): two agents share two cores.
Prints one JSON line: {"val_loss": last, "val_loss_best": .., "steps": .., "seconds": ..}.
"""
import json
import os
import sys
import time

START = time.perf_counter()
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # (one thread in all: torch's own and its BLAS's)
os.environ.setdefault("OMP_NUM_THREADS", "1")

import torch  # noqa: E402  (the import is part of the per-run cost the agent pattern pays)

torch.set_num_threads(1)


def streams(ids, start, seg_len, B, T, chunk):
    """Chunk `chunk` of B streams of seg_len ids from `start`: inputs [T, B], targets [T, B]."""
    idx = start + torch.arange(B)[None, :] * seg_len + chunk * T + torch.arange(T)[:, None]
    return ids[idx], ids[idx + 1]


class CharLstm(torch.nn.Module):
    def __init__(self, vocab, c):
        super().__init__()
        self.embed = torch.nn.Embedding(vocab, c["embedding_dim"])
        self.layers = torch.nn.ModuleList(
            torch.nn.LSTM(c["embedding_dim"] if l == 0 else c["hidden_size"], c["hidden_size"]) for l in range(c["num_layers"])
        )
        self.drop = torch.nn.Dropout(c["dropout"])
        self.head = torch.nn.Linear(c["hidden_size"], vocab)

    def forward(self, x, state):
        h = self.embed(x)
        out = []
        for layer, s in zip(self.layers, state):
            h, s = layer(h, s)
            h = self.drop(h)
            out.append(s)
        return self.head(h), out


def main():
    corpus_file, config = sys.argv[1], json.loads(sys.argv[2])
    c = {"embedding_dim": 16, "hidden_size": 64, "num_layers": 1, "dropout": 0.0, "learning_rate": 0.01, "grad_clip": 5.0,
         "seq_length": 32, "batch_size": 16, "steps": 500, "eval_every": 50, "eval_batches": 4, "log_every": 10,
         "val_fraction": 0.1, "seed": 1, **config}
    torch.manual_seed(c["seed"])
    text = open(corpus_file, encoding="utf-8").read()
    chars = sorted(set(text))
    index = {ch: i for i, ch in enumerate(chars)}
    ids = torch.tensor([index[ch] for ch in text], dtype=torch.long)
    T, B, n = c["seq_length"], c["batch_size"], len(ids)
    n_train = int(n * (1 - c["val_fraction"]))
    seg_len = (n_train - 1) // B
    chunks_per_pass = seg_len // T
    n_val = n - n_train
    Bv = min(B, (n_val - 1) // T)
    seg_val = (n_val - 1) // Bv
    eval_set = [streams(ids, n_train, seg_val, Bv, T, k) for k in range(min(c["eval_batches"], seg_val // T))]

    model = CharLstm(len(chars), c)
    params = list(model.parameters())
    opt = torch.optim.Adam(params, lr=c["learning_rate"])
    H, L = c["hidden_size"], c["num_layers"]
    zeros = lambda b: [(torch.zeros(1, b, H), torch.zeros(1, b, H)) for _ in range(L)]  # noqa: E731

    def evaluate():
        model.eval()
        with torch.no_grad():
            state, loss, count = zeros(Bv), 0.0, 0
            for x, y in eval_set:
                logits, state = model(x, state)
                loss += torch.nn.functional.cross_entropy(logits.reshape(-1, len(chars)), y.reshape(-1), reduction="sum").item()
                count += y.numel()
        model.train()
        return loss / count

    state, log, val, best = zeros(B), [], None, float("inf")
    for s in range(c["steps"]):
        chunk = s % chunks_per_pass
        if chunk == 0:
            state = zeros(B)
        x, y = streams(ids, 0, seg_len, B, T, chunk)
        opt.zero_grad()
        logits, state = model(x, state)
        state = [(h.detach(), cc.detach()) for h, cc in state]
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, len(chars)), y.reshape(-1))
        loss.backward()
        if c["grad_clip"] > 0:
            torch.nn.utils.clip_grad_norm_(params, c["grad_clip"])
        opt.step()
        log.append(loss.item())
        step = s + 1
        if step % c["log_every"] == 0:
            log = []  # (a W&B script would wandb.log the mean here)
        if step % c["eval_every"] == 0 or step == c["steps"]:
            val = evaluate()
            best = min(best, val)
    print(json.dumps({"val_loss": val, "val_loss_best": best, "steps": c["steps"], "seconds": time.perf_counter() - START}))


if __name__ == "__main__":
    main()
