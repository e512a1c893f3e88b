// Types of scripts/lib.mjs for the TypeScript that imports it (benchmarks).
export declare const ROOT: string;
export declare function run(cmd: string, args: string[], options?: Record<string, unknown>): void;
export declare function bin(name: string): string;
/** True when the production build is missing or older than its sources: the app or the worker bundle. */
export declare function buildIsStale(): boolean;
