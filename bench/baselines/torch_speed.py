"""Steady-state training speed of a char-RNN in PyTorch, one thread: the live baseline of
bench/engine.ts (the engine's char-LSTM 2×128 and vanilla RNN 1×128 configurations).

    /usr/bin/python3 bench/baselines/torch_speed.py '{"cell": "lstm", "hidden_size": 128, ...}' WARMUP STEPS

Embedding -> num_layers torch.nn.LSTM / torch.nn.RNN (tanh) -> linear head -> mean cross-entropy
over batch_size streams of seq_length characters of the engine's corpus, Adam after global-norm
clipping at 5, the hidden state carried between chunks. WARMUP untimed steps, then STEPS timed.
Prints one JSON line: {"chars_per_sec": .., "torch": version}.
"""
import json
import os
import re
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # (one thread in all: torch's own and its BLAS's)
os.environ.setdefault("OMP_NUM_THREADS", "1")
import torch  # noqa: E402

torch.set_num_threads(1)
c = json.loads(sys.argv[1])
warmup, steps = int(sys.argv[2]), int(sys.argv[3])
source = open(__file__.rsplit("/", 3)[0] + "/engine/corpus/builtin.ts", encoding="utf8").read()
text = re.search(r"BUILTIN_CORPUS = `(.*)`;", source, re.S).group(1)
chars = sorted(set(text))
ids = torch.tensor([chars.index(ch) for ch in text], dtype=torch.long)
T, B, H, L, E, V = c["seq_length"], c["batch_size"], c["hidden_size"], c["num_layers"], c["embedding_dim"], len(chars)
kind = {"lstm": torch.nn.LSTM, "rnn": torch.nn.RNN}[c["cell"]]
embed, rnn, head = torch.nn.Embedding(V, E), kind(E, H, num_layers=L), torch.nn.Linear(H, V)
params = [*embed.parameters(), *rnn.parameters(), *head.parameters()]
opt = torch.optim.Adam(params, lr=c["learning_rate"])
seg = (len(ids) - 1) // B
state = None


def step(s):
    global state
    chunk = s % (seg // T)
    idx = torch.arange(B)[None, :] * seg + chunk * T + torch.arange(T)[:, None]
    x, y = ids[idx], ids[idx + 1]
    opt.zero_grad()
    out, state = rnn(embed(x), None if chunk == 0 else state)
    state = tuple(h.detach() for h in state) if isinstance(state, tuple) else state.detach()
    loss = torch.nn.functional.cross_entropy(head(out).reshape(-1, V), y.reshape(-1))
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 5.0)
    opt.step()


for s in range(warmup):
    step(s)
t0 = time.perf_counter()
for s in range(warmup, warmup + steps):
    step(s)
print(json.dumps({"chars_per_sec": steps * T * B / (time.perf_counter() - t0), "torch": torch.__version__}))
