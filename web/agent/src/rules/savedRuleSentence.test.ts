import { describe, expect, it } from "vitest";
import { formFromRule, ruleFromForm } from "./ruleForm";
import { paramsFromRule, savedMoment, savedRuleSentence } from "./savedRuleSentence";

// A saved rule as GET /v1/rules/{key} returns its data (made from high_value_removed).
const SAVED = {
  key: "big-removals",
  name: "Big removals",
  enabled: true,
  trigger: { events: ["cart.remove"] },
  absence: null,
  facts: [{ name: "removed_value", kind: "sum", event: "cart.remove", value: "event.props.price", window: { seconds: 600 } }],
  condition: "facts.removed_value >= 150.0",
  action: { type: "callback", queue: "sales", text: "Can we help?", fallback: { type: "message", text: "Sorry" } },
  guards: {
    max_per_session: 1,
    max_per_visitor_per_day: 3,
    quiet_after_decline_seconds: 1800,
    business_hours: null,
    control_share: 0.1,
    min_seconds_between_offers: null,
  },
};

describe("savedRuleSentence", () => {
  it("reads a saved rule like the new-rule form reads a template", () => {
    expect(savedRuleSentence(SAVED)).toBe(
      "When “Big removals” happens (on cart.remove) and its condition holds, offer a callback (sales queue) or a message when nobody can take it, " +
        "at most once per visit and 3 times a day per visitor, nothing for 30 minutes after a “no thanks”. " +
        "10 % of these visitors get no offer, so you can measure what the rule adds.",
    );
  });

  it("follows the editor's form as it is edited", () => {
    const values = { ...formFromRule(SAVED), actionType: "chat" as const, maxPerSession: "", maxPerVisitorPerDay: "", controlSharePercent: "0" };
    const built = ruleFromForm(values);
    expect(built.data).not.toBeNull();
    expect(savedRuleSentence(built.data ?? {})).toBe(
      "When “Big removals” happens (on cart.remove) and its condition holds, offer a chat (sales queue) or a message when nobody can take it, every time it happens, nothing for 30 minutes after a “no thanks”.",
    );
  });

  it("tells an absence, the minimum gap and business hours", () => {
    const rule = {
      ...SAVED,
      trigger: null,
      condition: null,
      absence: { after: { event: "checkout.step" }, none_of: ["order.completed"], for_seconds: 600 },
      guards: {
        max_per_session: null,
        max_per_visitor_per_day: 2,
        min_seconds_between_offers: 120,
        business_hours: { timezone: "Europe/Prague", days: [4, 0, 1, 2, 3], start: "09:00", end: "17:00" },
        control_share: 0,
      },
    };
    expect(savedMoment(rule)).toBe("“Big removals” happens (no order.completed within 10 minutes of checkout.step)");
    expect(savedRuleSentence(rule)).toMatch(
      /, at most twice a day per visitor, at least 2 minutes between offers, only Mon–Fri 09:00–17:00 \(Europe\/Prague\)\.$/,
    );
  });

  it("takes the offer and guards under the template parameters' names", () => {
    expect(paramsFromRule(SAVED)).toMatchObject({ action: "callback", queue: "sales", fallback: "message", max_per_session: 1, control_share: 0.1 });
  });
});
