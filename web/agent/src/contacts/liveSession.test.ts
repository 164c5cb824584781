import { describe, expect, it } from "vitest";
import type { Schemas } from "../api/client";
import { liveSessionOf, visitorIdsOf } from "./liveSession";

type Identity = Schemas["IdentityOut"];
type LiveVisitor = Schemas["LiveVisitorOut"];

const identity = (kind: Identity["kind"], value: string): Identity => ({ id: `${kind}-${value}`, kind, value, verified: true, created_at: "2026-03-12T10:00:00Z" });

function visitor(visitor_id: string, session_started_at: string | null): LiveVisitor {
  return {
    visitor_id,
    returning: false,
    device: "desktop",
    browser: null,
    page_url: `https://shop.example/${visitor_id}`,
    page_title: null,
    session_started_at,
    page_views: 1,
    cart_value: 0,
    cart_items: 0,
    offers: [],
  };
}

describe("liveSessionOf", () => {
  const identities = [identity("email", "ann@example.org"), identity("visitor", "v_phone"), identity("visitor", "v_laptop")];

  it("takes only visitor identities", () => {
    expect([...visitorIdsOf(identities)].sort()).toEqual(["v_laptop", "v_phone"]);
    expect(visitorIdsOf(undefined).size).toBe(0);
  });

  it("finds the contact's visitor among the live ones", () => {
    const live = [visitor("v_other", "2026-03-12T10:05:00Z"), visitor("v_phone", "2026-03-12T10:00:00Z")];
    expect(liveSessionOf(identities, live)?.visitor_id).toBe("v_phone");
  });

  it("prefers the visit that started last when two devices are on the site", () => {
    const live = [visitor("v_phone", "2026-03-12T10:00:00Z"), visitor("v_laptop", "2026-03-12T10:03:00Z"), visitor("v_x", null)];
    expect(liveSessionOf(identities, live)?.visitor_id).toBe("v_laptop");
  });

  it("is null when the contact is not on the site, has no visitor id, or nothing is loaded", () => {
    expect(liveSessionOf(identities, [visitor("v_other", null)])).toBeNull();
    expect(liveSessionOf([identity("email", "a@b.c")], [visitor("a@b.c", null)])).toBeNull();
    expect(liveSessionOf(identities, undefined)).toBeNull();
  });
});
