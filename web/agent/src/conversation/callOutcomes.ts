import type { Schemas } from "../api/client";

export type CallOutcome = Schemas["OutcomeIn"]["outcome"];

/** The outcomes an agent records after calling a customer back, in the order shown. */
export const CALL_OUTCOMES: readonly { value: CallOutcome; label: string; retried: boolean }[] = [
  { value: "reached", label: "Reached", retried: false },
  { value: "no_answer", label: "No answer", retried: true },
  { value: "busy", label: "Busy", retried: true },
  { value: "voicemail", label: "Voicemail", retried: true },
  { value: "wrong_number", label: "Wrong number", retried: false },
  { value: "cancelled", label: "Cancelled", retried: false },
];

/** What happens next, said before the agent clicks. */
export function outcomeHint(outcome: CallOutcome): string {
  const choice = CALL_OUTCOMES.find((o) => o.value === outcome);
  return choice?.retried
    ? "We try again in 10 minutes (three attempts in all)."
    : "The callback ends and the conversation closes.";
}
