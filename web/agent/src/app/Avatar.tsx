const HUES = [210, 160, 280, 20, 330, 190, 100, 250];

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return "?";
  const first = parts[0]![0] ?? "";
  const last = parts.length > 1 ? (parts[parts.length - 1]![0] ?? "") : "";
  return (first + last).toUpperCase();
}

function hue(name: string): number {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.charCodeAt(0)) | 0;
  return HUES[Math.abs(hash) % HUES.length]!;
}

export function Avatar({ name, size = "md" }: { name: string; size?: "sm" | "md" | "lg" }) {
  return (
    <span
      className={`avatar avatar--${size}`}
      style={{ backgroundColor: `hsl(${hue(name)} 55% 92%)`, color: `hsl(${hue(name)} 45% 32%)` }}
      aria-hidden="true"
    >
      {initials(name)}
    </span>
  );
}
