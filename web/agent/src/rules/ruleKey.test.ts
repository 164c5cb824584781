import { describe, expect, it } from "vitest";
import { KEY_MAX_LENGTH, keyFromName } from "./ruleKey";

const SERVER_PATTERN = /^[a-z0-9][a-z0-9_.-]*$/;

describe("keyFromName", () => {
  it("makes a slug the server accepts", () => {
    expect(keyFromName("High-value items removed")).toBe("high-value-items-removed");
    expect(keyFromName("Košík > 150 €, callback!")).toBe("kosik-150-callback");
    expect(keyFromName("  --Weekend sale--  ")).toBe("weekend-sale");
  });

  it("never gives an empty or over-long key", () => {
    expect(keyFromName("€ €")).toBe("rule");
    const long = keyFromName(`${"a".repeat(63)} b c`);
    expect(long.length).toBeLessThanOrEqual(KEY_MAX_LENGTH);
    expect(long).toMatch(SERVER_PATTERN);
    expect(long.endsWith("-")).toBe(false);
  });
});
