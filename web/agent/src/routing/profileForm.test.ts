import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { draftFromAgent, localProfileErrors, profileBody, profileErrors } from "./profileForm";
import type { AgentOut } from "./queries";

const agent: AgentOut = {
  id: "u1",
  name: "Alice",
  role: "agent",
  presence: "online",
  presence_reason: null,
  skills: { fridges: 4, english: 5 },
  attributes: {},
  capacity: { callback: 1, email: 5, webchat: 3, telegram: 2 },
};

describe("profile drafts", () => {
  it("skills sorted by name; the server's channels first, then others", () => {
    const draft = draftFromAgent(agent, ["webchat", "callback", "email"]);
    expect(draft.skills).toEqual([
      { name: "english", level: 5 },
      { name: "fridges", level: 4 },
    ]);
    expect(Object.keys(draft.capacity)).toEqual(["webchat", "callback", "email", "telegram"]);
    expect(profileBody(draft)).toEqual({ skills: { english: 5, fridges: 4 }, capacity: { webchat: 3, callback: 1, email: 5, telegram: 2 } });
  });

  it("skips unnamed skills and empty capacities; odd capacities go as NaN for the server to name", () => {
    const body = profileBody({ skills: [{ name: " ", level: 3 }, { name: " tv ", level: 2 }], capacity: { webchat: "", email: "-1" } });
    expect(body.skills).toEqual({ tv: 2 });
    expect(body.capacity!.email).toBeNaN();
    expect("webchat" in body.capacity!).toBe(false);
  });

  it("flags a skill listed twice before sending", () => {
    expect(localProfileErrors({ skills: [{ name: "tv", level: 1 }, { name: "tv ", level: 2 }], capacity: {} })).toEqual({
      "skills.1": "“tv” is listed twice",
    });
  });

  it("puts the server's errors under the skill row or the channel", () => {
    const draft = { skills: [{ name: "tv", level: 1 }, { name: "Fridges!", level: 2 }], capacity: { webchat: "3", email: "99" } };
    const error = new ApiError({
      status: 422,
      errors: [
        { loc: ["skills", "Fridges!"], msg: "a skill name is lower-case letters, digits and _" },
        { loc: ["capacity", "email"], msg: "must be between 0 and 50" },
        { loc: ["body", "capacity", "fax"], msg: "no such channel" },
        { loc: ["attributes"], msg: "bad" },
      ],
    });
    expect(profileErrors(error, draft)).toEqual({
      at: {
        "skills.1": "a skill name is lower-case letters, digits and _",
        "capacity.email": "must be between 0 and 50",
        capacity: "no such channel",
      },
      form: "attributes: bad",
    });
  });
});
