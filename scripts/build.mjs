// `npm run build`: the worker bundle (so a worker starts in well under 150 ms) and the app.
import { bin, run } from "./lib.mjs";

run(process.execPath, ["scripts/build-worker.mjs"]);
run(bin("next"), ["build"]);
