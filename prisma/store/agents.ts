import crypto from "node:crypto";
import { prisma } from "../client";
import { newId } from "./ids";

// Remote agents' identities. An agent registers once (the server checks its registration
// token) and gets a credential `<id>.<secret>`: 256 random bits only the agent holds; the
// database keeps their SHA-256, compared in constant time. Whoever holds one agent's credential
// acts as that agent and no other.

export interface AgentRecord {
  id: string;
  name: string;
  createdAt: string;
  lastSeenAt: string | null;
}

const hash = (secret: string) => crypto.createHash("sha256").update(secret, "utf8").digest();

/** Register an agent under a new name: its record and its credential (shown once), or null when the name is taken. */
export async function registerAgent(name: string): Promise<{ agent: AgentRecord; credential: string } | null> {
  const id = newId(12);
  const secret = crypto.randomBytes(32).toString("base64url");
  try {
    const row = await prisma().agent.create({ data: { id, name, secretHash: hash(secret).toString("hex") } });
    return { agent: toAgent(row), credential: `${id}.${secret}` };
  } catch (error) {
    if ((error as { code?: string }).code === "P2002" || /UNIQUE constraint failed/i.test(String((error as Error).message) + JSON.stringify((error as { cause?: unknown }).cause ?? ""))) return null;
    throw error;
  }
}

/** How often lastSeenAt is written at most (ms): an agent reports several times a second. */
const SEEN_EVERY_MS = 10_000;

/** The agent a credential belongs to, or null (unknown id, wrong secret, malformed). */
export async function authenticateAgent(credential: string): Promise<AgentRecord | null> {
  const dot = credential.indexOf(".");
  if (dot <= 0) return null;
  const id = credential.slice(0, dot), secret = credential.slice(dot + 1);
  if (!/^[0-9a-z]{4,32}$/.test(id) || secret.length === 0 || secret.length > 200) return null;
  const row = await prisma().agent.findUnique({ where: { id } });
  if (!row) return null;
  const stored = Buffer.from(row.secretHash, "hex");
  const given = hash(secret);
  if (stored.length !== given.length || !crypto.timingSafeEqual(stored, given)) return null;
  if (!row.lastSeenAt || Date.now() - row.lastSeenAt.getTime() > SEEN_EVERY_MS) {
    await prisma().agent.update({ where: { id }, data: { lastSeenAt: new Date() } }).catch(() => {}); // (a full disk must not lock agents out)
  }
  return toAgent(row);
}

export async function listAgents(): Promise<AgentRecord[]> {
  return (await prisma().agent.findMany({ orderBy: { createdAt: "asc" } })).map(toAgent);
}

function toAgent(row: { id: string; name: string; createdAt: Date; lastSeenAt: Date | null }): AgentRecord {
  return { id: row.id, name: row.name, createdAt: row.createdAt.toISOString(), lastSeenAt: row.lastSeenAt?.toISOString() ?? null };
}
