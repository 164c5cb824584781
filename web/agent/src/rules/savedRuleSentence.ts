/**
 * A saved rule as the same sentence the new-rule form shows. A saved rule
 * keeps no template, only its data (trigger or absence, facts, action,
 * guards), so the moment is told from the structure ("“Big removals” happens
 * (on cart.remove)") and the offer and guards from the data, whose names are
 * the template parameters' names.
 */

import { durationWords, ruleSentence, type Params, type SentenceOptions } from "./ruleSentence";

type Data = Record<string, unknown>;

function isObject(value: unknown): value is Data {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function events(value: unknown): string {
  return Array.isArray(value) && value.length > 0 ? value.map(String).join(" or ") : "?";
}

/** "“Big removals” happens (on cart.remove)" or "… (no order.completed within 10 minutes of checkout.step)". */
export function savedMoment(data: Data): string {
  const name = typeof data.name === "string" && data.name.trim() !== "" ? data.name.trim() : String(data.key ?? "the rule");
  const trigger = isObject(data.trigger) ? data.trigger : null;
  const absence = isObject(data.absence) ? data.absence : null;
  let how = "";
  if (trigger) how = ` (on ${events(trigger.events)})`;
  else if (absence) {
    const after = isObject(absence.after) ? String(absence.after.event ?? "?") : "?";
    how = ` (no ${events(absence.none_of)} within ${durationWords(absence.for_seconds)} of ${after})`;
  }
  const condition = typeof data.condition === "string" && data.condition.trim() !== "" ? " and its condition holds" : "";
  return `“${name}” happens${how}${condition}`;
}

/** The rule's offer and guards as the sentence's parameters. */
export function paramsFromRule(data: Data): Params {
  const action = isObject(data.action) ? data.action : {};
  const guards = isObject(data.guards) ? data.guards : {};
  const fallback = isObject(action.fallback) ? action.fallback.type : null;
  return { action: action.type, queue: action.queue, fallback, ...guards };
}

export function savedRuleSentence(data: Data, options: SentenceOptions = {}): string {
  // No template key matches "": the moment always comes from the structure.
  return ruleSentence("", paramsFromRule(data), { ...options, moment: savedMoment(data) });
}
