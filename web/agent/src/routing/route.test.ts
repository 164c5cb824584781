import { describe, expect, it } from "vitest";
import { closeWallboard, isWallboardHash, openWallboard } from "./route";

describe("wallboard route", () => {
  it("is #/wallboard and nothing else", () => {
    expect(isWallboardHash("#/wallboard")).toBe(true);
    expect(isWallboardHash("#/wallboard/")).toBe(true);
    expect(isWallboardHash("#/wallboardx")).toBe(false);
    expect(isWallboardHash("#/c/abc")).toBe(false);
  });

  it("opens and closes in the address bar", () => {
    openWallboard();
    expect(window.location.hash).toBe("#/wallboard");
    closeWallboard();
    expect(window.location.hash).toBe("");
  });
});
