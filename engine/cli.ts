import { parseTrainArgs, trainHere } from "./terminal";

// One run in the terminal, in this process, recording nothing (terminal.ts has the flags):
//   tsx engine/cli.ts --task charlm --cell lstm --hidden_size 128 [--config run.json]
//                     [--checkpoint out.json] [--resume ck.json]
// `npm run train` goes through sweeps/train-cli.ts, which adds --track (record the run in the
// app's database) and hands every other invocation to the same trainHere.

trainHere(parseTrainArgs(process.argv.slice(2)));
