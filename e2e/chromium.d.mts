// Types of chromium.mjs (plain JS, so that node scripts import it without a loader).
export interface ChromiumLaunch {
  executablePath: string;
  args: string[];
  env: Record<string, string>;
  /** what was chosen, for the test log */
  source: string;
}
export const CHROMIUM_ARGS: string[];
export function resolveChromium(env?: NodeJS.ProcessEnv): Promise<ChromiumLaunch>;
export function launchOptions(c: ChromiumLaunch): { executablePath: string; args: string[]; env: Record<string, string | undefined> };
