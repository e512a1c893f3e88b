// Runs once when the Next.js server starts: apply migrations, then start the server's one
// executor (it claims queued runs and resumes runs and sweeps a previous server left), and make
// SIGTERM / SIGINT checkpoint the runs in progress before Next closes the server.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { providerOf } = await import("./prisma/provider");
  // SQLite is migrated here; PostgreSQL at the client's first connection (prisma/client.ts)
  if (providerOf() === "sqlite") (await import("./prisma/migrate")).migrate();
  const { installGracefulShutdown, startServerExecutor } = await import("./app/_server/executor");
  await startServerExecutor();
  installGracefulShutdown();
}
