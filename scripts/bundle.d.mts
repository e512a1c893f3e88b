// Types of bundle.mjs (plain JavaScript: the build scripts run without tsx).
export declare const WORKER_BUNDLE: string;
export declare const WORKER_SOURCES: string[];
export declare function newestMtime(p: string): number;
export declare function outputIsStale(output: string, sources: string[]): boolean;
export declare function workerBundleIsStale(root: string): boolean;
