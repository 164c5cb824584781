import { afterEach, describe, expect, it } from "vitest";
import { adminTabFromHash, closeAdmin, openAdmin } from "./route";

afterEach(() => history.replaceState(null, "", "/app/"));

describe("adminTabFromHash", () => {
  it("reads the tab, defaulting to the team", () => {
    expect(adminTabFromHash("#/admin")).toBe("team");
    expect(adminTabFromHash("#/admin/")).toBe("team");
    expect(adminTabFromHash("#/admin/websites")).toBe("websites");
    expect(adminTabFromHash("#/admin/tokens")).toBe("tokens");
    expect(adminTabFromHash("#/admin/routing")).toBe("routing");
    expect(adminTabFromHash("#/admin/channels")).toBe("channels");
    expect(adminTabFromHash("#/admin/nonsense")).toBe("team");
  });

  it("is null outside the admin area", () => {
    expect(adminTabFromHash("")).toBeNull();
    expect(adminTabFromHash("#/c/01ABC")).toBeNull();
    expect(adminTabFromHash("#/administrator")).toBeNull();
  });
});

describe("openAdmin / closeAdmin", () => {
  it("opens with a history entry, switches tabs in place and closes back to the inbox", () => {
    history.replaceState(null, "", "/app/#/c/01ABC");
    const start = history.length;
    openAdmin();
    expect(window.location.hash).toBe("#/admin/team");
    expect(history.length).toBe(start + 1);
    openAdmin("tokens");
    expect(window.location.hash).toBe("#/admin/tokens");
    expect(history.length).toBe(start + 1);
    closeAdmin();
    expect(window.location.hash).toBe("");
    expect(window.location.pathname).toBe("/app/");
  });
});
