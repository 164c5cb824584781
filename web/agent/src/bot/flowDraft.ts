/**
 * The bot's flows as the step editor holds them, and back into the API's shape
 * (docs/self-service.md, "The bot"). A step does one thing, its `kind`: say and go on
 * (message), say and save the answer to a field (collect), offer buttons, or hand off.
 */
import type { Schemas } from "../api/client";

export type FlowIn = Schemas["FlowIn"];
export type StepIn = FlowIn["steps"][number];
export type Collect = "order_number" | "email" | "text";
export type StepKind = "message" | "collect" | "buttons" | "handoff";

/** A button's target: a step id, HANDOFF, or "" (none chosen yet). */
export const HANDOFF = "@handoff";

export interface ButtonDraft {
  label: string;
  target: string;
}

export interface StepDraft {
  id: string;
  say: string;
  kind: StepKind;
  collect: Collect;
  /** The step after a message or a collected answer; "" ends the flow. */
  next: string;
  buttons: ButtonDraft[];
}

export interface FlowDraft {
  name: string;
  /** Comma-separated, as typed. */
  keywords: string;
  steps: StepDraft[];
}

export function stepDraftOf(step: StepIn): StepDraft {
  const buttons = (step.buttons ?? []).map((b) => ({ label: b.label, target: b.handoff ? HANDOFF : (b.next ?? "") }));
  const kind: StepKind = step.handoff ? "handoff" : step.collect ? "collect" : buttons.length > 0 ? "buttons" : "message";
  return { id: step.id, say: step.say, kind, collect: step.collect ?? "order_number", next: step.next ?? "", buttons };
}

export function flowDraftOf(flow: FlowIn): FlowDraft {
  return { name: flow.name, keywords: flow.keywords.join(", "), steps: flow.steps.map(stepDraftOf) };
}

export function stepOf(draft: StepDraft): StepIn {
  const step: StepIn = { id: draft.id.trim(), say: draft.say, handoff: draft.kind === "handoff" };
  if (draft.kind === "collect") step.collect = draft.collect;
  if (draft.kind === "buttons") {
    step.buttons = draft.buttons.map((b) =>
      b.target === HANDOFF ? { label: b.label, handoff: true } : { label: b.label, next: b.target || null, handoff: false },
    );
  }
  if ((draft.kind === "message" || draft.kind === "collect") && draft.next) step.next = draft.next;
  return step;
}

export function flowOf(draft: FlowDraft): FlowIn {
  const keywords = draft.keywords
    .split(",")
    .map((k) => k.trim())
    .filter(Boolean);
  return { name: draft.name.trim(), keywords, steps: draft.steps.map(stepOf) };
}

/** A new step with an id no other step of the flow has ("step-3"). */
export function newStep(steps: readonly StepDraft[]): StepDraft {
  const ids = new Set(steps.map((s) => s.id));
  let n = steps.length + 1;
  while (ids.has(`step-${n}`)) n++;
  return { id: `step-${n}`, say: "", kind: "message", collect: "order_number", next: "", buttons: [] };
}

export function newFlow(): FlowDraft {
  return { name: "", keywords: "", steps: [{ ...newStep([]), id: "start" }] };
}

/** A step renamed: the steps and buttons that led to it follow (unless another step has its old id too). */
export function renameStep(steps: readonly StepDraft[], index: number, id: string): StepDraft[] {
  const old = steps[index]?.id;
  const unique = steps.filter((s) => s.id === old).length === 1;
  return steps.map((s, i) => {
    const follow = (target: string) => (old && unique && target === old ? id : target);
    return {
      ...s,
      id: i === index ? id : s.id,
      next: follow(s.next),
      buttons: s.buttons.map((b) => ({ ...b, target: follow(b.target) })),
    };
  });
}

/** A step removed: what led to it now leads nowhere (the flow ends there; a button must be given a target). */
export function removeStep(steps: readonly StepDraft[], index: number): StepDraft[] {
  const gone = steps[index]?.id;
  return steps
    .filter((_, i) => i !== index)
    .map((s) => ({
      ...s,
      next: s.next === gone ? "" : s.next,
      buttons: s.buttons.map((b) => ({ ...b, target: b.target === gone ? "" : b.target })),
    }));
}

/**
 * The editor's place for a server error's path: "flows.0.steps.1.next" stays, what a
 * kind decides ("collect", "handoff", "buttons" as a whole) goes to the step's kind, a
 * button's own fields to the button; null when no control shows it.
 */
export function flowSlot(path: string): string | null {
  if (["enabled", "name", "threshold", "flows"].includes(path)) return path;
  let m = /^(flows\.\d+\.steps\.\d+\.buttons\.\d+)(?:\.\w+)?$/.exec(path);
  if (m) return m[1]!;
  m = /^(flows\.\d+\.steps\.\d+)(?:\.(\w+))?(?:\.\d+)?$/.exec(path);
  if (m) {
    const field = m[2];
    if (field === "id" || field === "say" || field === "next") return `${m[1]}.${field}`;
    if (field === "collect" || field === "handoff" || field === "buttons") return `${m[1]}.kind`;
    return `${m[1]}.id`;
  }
  m = /^(flows\.\d+)(?:\.(\w+))?(?:\.\d+)?$/.exec(path);
  if (m) return m[2] === "name" || m[2] === "keywords" || m[2] === "steps" ? `${m[1]}.${m[2]}` : `${m[1]}.name`;
  return null;
}
