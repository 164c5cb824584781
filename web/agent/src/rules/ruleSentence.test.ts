import { describe, expect, it } from "vitest";
import { controlWords, durationWords, ruleSentence, timesWords } from "./ruleSentence";

// The shared parameters as the form sends them (seconds, shares as fractions).
const BASE = { action: "chat", queue: "sales", max_per_session: 1, max_per_visitor_per_day: 3, quiet_after_decline_seconds: 1800, control_share: 0.1 };

describe("ruleSentence", () => {
  it("reads like the moment, the offer and the guards", () => {
    const sentence = ruleSentence(
      "high_value_removed",
      { ...BASE, action: "callback", amount: 150, seconds: 600 },
      { currency: "EUR", locale: "en" },
    );
    expect(sentence).toBe(
      "When a visitor removes items worth at least €150 within 10 minutes, offer a callback (sales queue), " +
        "at most once per visit and 3 times a day per visitor, nothing for 30 minutes after a “no thanks”. " +
        "10 % of these visitors get no offer, so you can measure what the rule adds.",
    );
  });

  it("follows each parameter (no currency: a plain number)", () => {
    const sentence = ruleSentence("high_value_removed", { ...BASE, amount: 80, seconds: 90, max_per_visitor_per_day: null, control_share: 0, quiet_after_decline_seconds: 0 }, { locale: "en" });
    expect(sentence).toBe("When a visitor removes items worth at least 80 within 1.5 minutes, offer a chat (sales queue), at most once per visit.");
  });

  it("has a phrase per template and falls back to the title for one it does not know", () => {
    expect(ruleSentence("payment_stuck", { ...BASE, step: "pay", seconds: 60, pre_selected_method: true })).toMatch(
      /^When a visitor stays on the “pay” checkout step for 1 minute without going on, offer a chat/,
    );
    expect(ruleSentence("terms_revisited", { ...BASE, path: "/terms.html", times: 3 })).toMatch(/opens the terms page \(\/terms.html\) for the 3rd time in one visit/);
    expect(ruleSentence("login_failures", { ...BASE, times: 2, seconds: 600 })).toMatch(/fails to sign in twice within 10 minutes/);
    expect(ruleSentence("coupon_failed", { ...BASE, times: 1, seconds: 1800 })).toMatch(/enters a coupon code that is rejected,/);
    expect(ruleSentence("new_moment", { ...BASE, action: "message", fallback: null }, { title: "Something new" })).toMatch(
      /^When “Something new” happens, show a message, at most once per visit/,
    );
    expect(ruleSentence("cart_abandoned", { ...BASE, fallback: "callback", seconds: 900 })).toMatch(
      /has not gone on to checkout 15 minutes later, with items still in the cart, offer a chat \(sales queue\) or a callback when nobody can take it,/,
    );
  });
});

describe("words", () => {
  it("writes durations as a manager says them", () => {
    expect(durationWords(45)).toBe("45 seconds");
    expect(durationWords(60)).toBe("1 minute");
    expect(durationWords(600)).toBe("10 minutes");
    expect(durationWords(7200)).toBe("2 hours");
    expect(durationWords(5400)).toBe("90 minutes");
    expect(durationWords("x")).toBe("a while");
  });

  it("writes counts and the control group", () => {
    expect([1, 2, 7].map(timesWords)).toEqual(["once", "twice", "7 times"]);
    expect(controlWords(0)).toBeNull();
    expect(controlWords(0.15)).toBe("15 % of these visitors get no offer, so you can measure what the rule adds.");
  });
});
