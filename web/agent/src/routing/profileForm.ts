/**
 * An agent's routing profile as the editor holds it (skills as rows of name
 * and level, capacity per channel as text) and its way to the API; the
 * server's errors come back keyed by skill name or channel and are shown
 * under that row or input.
 */
import { slotErrors, type SlotErrors } from "../ui/formErrors";
import type { AgentOut, ProfileIn } from "./queries";

export const SKILL_LEVELS = [1, 2, 3, 4, 5] as const;

export interface SkillDraft {
  name: string;
  level: number;
}

export interface ProfileDraft {
  skills: SkillDraft[];
  /** Slots per channel, as typed. */
  capacity: Record<string, string>;
}

/** `channelKinds`: the server's channels (GET /v1/channels), each offered a capacity input. */
export function draftFromAgent(agent: AgentOut, channelKinds: readonly string[]): ProfileDraft {
  return {
    skills: Object.entries(agent.skills)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, level]) => ({ name, level })),
    capacity: Object.fromEntries([...new Set([...channelKinds, ...Object.keys(agent.capacity)])].map((c) => [c, String(agent.capacity[c] ?? "")])),
  };
}

/** Skills and capacity; a capacity left empty is not sent (it stays as it is). */
export function profileBody(draft: ProfileDraft): ProfileIn {
  const skills: Record<string, number> = {};
  for (const { name, level } of draft.skills) {
    if (name.trim()) skills[name.trim()] = level;
  }
  const capacity: Record<string, number> = {};
  for (const [channel, slots] of Object.entries(draft.capacity)) {
    const trimmed = slots.trim();
    if (trimmed === "") continue;
    // Not a whole number: NaN (null in JSON), so the server names the channel.
    capacity[channel] = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  }
  return { skills, capacity };
}

/** Problems the desktop sees before sending: a skill named twice. */
export function localProfileErrors(draft: ProfileDraft): Record<string, string> {
  const out: Record<string, string> = {};
  const seen = new Map<string, number>();
  draft.skills.forEach(({ name }, i) => {
    const key = name.trim();
    if (!key) return;
    if (seen.has(key)) out[`skills.${i}`] = `“${key}” is listed twice`;
    else seen.set(key, i);
  });
  return out;
}

/** Where an error at `path` ("skills.fridges", "capacity.webchat") shows: "skills.<row>", "capacity.<channel>", a section, or null. */
export function profileErrorSlot(path: string, draft: ProfileDraft): string | null {
  const [head, ...rest] = path.split(".");
  const key = rest.join(".");
  if (head === "skills") {
    const row = draft.skills.findIndex((s) => s.name.trim() === key);
    return row === -1 ? "skills" : `skills.${row}`;
  }
  if (head === "capacity") return key in draft.capacity ? `capacity.${key}` : "capacity";
  return null;
}

export type ProfileErrors = SlotErrors;

export function profileErrors(error: unknown, draft: ProfileDraft): ProfileErrors {
  return slotErrors(error, (path) => profileErrorSlot(path, draft));
}
