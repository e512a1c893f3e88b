import crypto from "node:crypto";

// Run and sweep ids are short random base-36 strings (as W&B's); run names are memorable
// "adjective-noun-N" labels shown beside the id.

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

export function newId(length = 8): string {
  const bytes = crypto.randomBytes(length);
  let id = "";
  for (const b of bytes) id += ALPHABET[b % 36];
  return id;
}

export const ID_PATTERN = /^[0-9a-z]{4,32}$/;

const ADJECTIVES = [
  "amber", "bold", "brisk", "calm", "clever", "cosmic", "crisp", "daring", "dawn", "deep", "eager", "easy",
  "fancy", "fiery", "gentle", "glad", "golden", "grand", "hardy", "hazy", "icy", "jolly", "keen", "lively",
  "lucky", "lunar", "mellow", "misty", "noble", "olive", "proud", "quiet", "rapid", "royal", "rustic", "sage",
  "shiny", "silent", "silver", "smooth", "snowy", "solar", "spry", "stellar", "stoic", "sunny", "swift", "tidy",
  "vivid", "warm", "wild", "wise", "young", "zesty",
];
const NOUNS = [
  "aurora", "bird", "breeze", "brook", "canyon", "cedar", "cloud", "comet", "cosmos", "dawn", "delta", "dream",
  "dune", "ember", "field", "fire", "flower", "forest", "frost", "galaxy", "glade", "grove", "harbor", "haze",
  "hill", "lake", "leaf", "meadow", "moon", "morning", "mountain", "night", "oasis", "ocean", "pine", "planet",
  "pond", "rain", "river", "sea", "shadow", "sky", "snow", "sound", "spring", "star", "sun", "thunder", "tree",
  "valley", "water", "wave", "wind", "wood",
];

/** A memorable name; `n` (the run's number) keeps names unique and ordered within a sweep. */
export function runName(n: number): string {
  const r = crypto.randomInt(ADJECTIVES.length * NOUNS.length);
  return `${ADJECTIVES[r % ADJECTIVES.length]}-${NOUNS[Math.floor(r / ADJECTIVES.length)]}-${n}`;
}
