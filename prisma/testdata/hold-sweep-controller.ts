// A process that becomes a sweep's controller and never finishes deciding (the test kills it):
// DATABASE_URL names the database, argv[2] the sweep. Prints "holding" once it is the controller.
import { asSweepController } from "../store/sweeps";

await asSweepController(process.argv[2], () => {
  console.log("holding");
  return new Promise<never>(() => {});
});
