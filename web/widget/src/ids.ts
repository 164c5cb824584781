// Random ids the server dedupes by (chat messages' client_id, events' id).

/** A UUID (v4 where crypto.randomUUID exists, 32 random hex digits otherwise). */
export function uuid(): string {
  const c = typeof crypto !== "undefined" ? crypto : undefined;
  if (c && typeof c.randomUUID === "function") return c.randomUUID();
  let id = "";
  for (let i = 0; i < 32; i++) id += Math.floor(Math.random() * 16).toString(16);
  return id;
}
