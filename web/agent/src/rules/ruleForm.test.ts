import { describe, expect, it } from "vitest";
import { formFromRule, ruleFromForm } from "./ruleForm";

const RULE = {
  key: "cart-left",
  name: "Cart left",
  enabled: true,
  trigger: null,
  absence: { after: { event: "cart.add" }, none_of: ["order.completed"], for_seconds: 900 },
  facts: [],
  condition: null,
  action: {
    type: "chat",
    queue: "sales",
    text: { cs: "Můžeme pomoci?", en: "Can we help?" },
    fallback: { type: "callback", text: { cs: "Zavoláme vám", en: "We will call you" } },
  },
  guards: {
    max_per_session: 1,
    max_per_visitor_per_day: null,
    quiet_after_decline_seconds: 1800,
    min_seconds_between_offers: null,
    control_share: 0.1,
    business_hours: null,
  },
};

describe("ruleFromForm(formFromRule(rule))", () => {
  it("saves back what the form does not edit: the fallback offer and its texts", () => {
    const values = { ...formFromRule(RULE), name: "Cart left behind" };
    const built = ruleFromForm(values);
    expect(built.data?.action).toEqual({ ...RULE.action });
    expect(built.data?.name).toBe("Cart left behind");
  });

  it("sends no fallback for a rule without one", () => {
    const built = ruleFromForm(formFromRule({ ...RULE, action: { type: "callback", queue: null, text: "Hi" } }));
    expect(built.data?.action).toEqual({ type: "callback", queue: null, text: "Hi" });
  });
});
