// Every run has one stable colour, derived from its id, used wherever the run appears.

const PALETTE = [
  "#2f6fde", "#e8590c", "#2b8a3e", "#c2255c", "#7048e8", "#0c8599", "#d9480f", "#5c940d",
  "#a61e4d", "#1864ab", "#e67700", "#087f5b", "#862e9c", "#364fc7", "#c92a2a", "#495057",
];

export function runColor(id: string): string {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return PALETTE[(h >>> 0) % PALETTE.length];
}

export { PALETTE };
