// @vitest-environment node
// The committed frame types are what the generator makes of the committed schema now
// (tests/realtime/test_frame_schema.py checks that schema against the server's models).
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { frameTypes, generate, OUTPUTS } from "./gen-frames.mjs";

describe("generated frame types", () => {
  it("are up to date with src/hovor/frames.schema.json (else: make openapi)", async () => {
    const generated = await generate();
    expect([...generated.keys()].map(String).sort()).toEqual(Object.values(OUTPUTS).map(String).sort());
    for (const [file, text] of generated) {
      expect(await readFile(file, "utf8"), `${file.pathname} is stale: run make openapi`).toBe(text);
    }
  });

  it("are types only: nothing in them runs in the widget", async () => {
    for (const text of (await generate()).values()) {
      const code = text.replace(/\/\*[\s\S]*?\*\//g, "");
      expect(code).not.toMatch(/^\s*export\s+(const|let|var|function|class|enum)\b/m);
    }
  });

  it("turn a discriminated union into a union of interfaces", async () => {
    const text = await frameTypes({
      title: "Example",
      anyOf: [{ $ref: "#/$defs/ServerFrame" }],
      $defs: {
        ServerFrame: { title: "ServerFrame", oneOf: [{ $ref: "#/$defs/PongFrame" }] },
        PongFrame: {
          title: "PongFrame",
          type: "object",
          properties: { type: { const: "pong", type: "string" } },
          required: ["type"],
        },
      },
    });
    expect(text).toContain("export type ServerFrame = PongFrame;");
    expect(text).toMatch(/export interface PongFrame \{\s+type: "pong";\s+\}/);
  });
});
