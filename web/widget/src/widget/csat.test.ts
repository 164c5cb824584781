import { describe, expect, it } from "vitest";
import { csatToken } from "./csat";

describe("csatToken", () => {
  const origin = "https://chat.example.cz";
  it("finds a rating link to this server at the end of a message", () => {
    expect(csatToken(`How did we do? ${origin}/csat/01ABC.x_y-Z`, origin)).toBe("01ABC.x_y-Z");
  });
  it("ignores other servers, other paths and text after the link", () => {
    expect(csatToken("https://evil.example/csat/01ABC.xyz", origin)).toBeNull();
    expect(csatToken(`${origin}/help/01ABC.xyz`, origin)).toBeNull();
    expect(csatToken(`${origin}/csat/01ABC.xyz and more`, origin)).toBeNull();
    expect(csatToken("plain text", origin)).toBeNull();
  });
});
