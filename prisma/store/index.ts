// The store: the only code that touches the database. Everything returns plain objects.
export * from "./records";
export * from "./sweeps";
export * from "./runs";
export * from "./query";
export * from "./metrics";
export * from "./metric-history";
export * from "./csv";
export * from "./compare";
export * from "./agents";
export { newId, runName, ID_PATTERN } from "./ids";
export { DatabaseError, StorageError, asStorageError } from "../database";
export { disconnectPrisma } from "../client";
export * from "./corpora";
export * from "./housekeeping";
export * from "./fork";
export * from "./views";
export * from "./checkpoints";
