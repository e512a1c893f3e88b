// Runs once when the Next.js server starts: apply migrations, then start the server's one
// executor (it claims queued runs and resumes sweeps left running by a previous server).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { migrate } = await import("./prisma/migrate");
  migrate();
  const { startServerExecutor } = await import("./app/_server/executor");
  await startServerExecutor();
}
