import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import type { ChannelOut } from "../api/client";
import { keys } from "../api/keys";
import { cachedCatalogue, catalogueOf } from "./catalogue";

function channel(kind: string, display_name: string, outbound = true): ChannelOut {
  return {
    kind,
    display_name,
    identity_kinds: [],
    realtime: true,
    default_sla_seconds: 60,
    default_capacity: 1,
    outbound,
    inboxes: false,
    config_fields: [],
  };
}

const SERVER = [channel("webchat", "Web chat"), channel("callback", "Callback", false), channel("telegram", "Telegram")];

describe("catalogueOf", () => {
  it("names channels as the server does, and says which send", () => {
    const catalogue = catalogueOf(SERVER);
    expect(catalogue.label("telegram")).toBe("Telegram");
    expect(catalogue.sends("webchat")).toBe(true);
    expect(catalogue.sends("callback")).toBe(false);
    expect(catalogue.kindsWith(["email", "webchat"])).toEqual(["webchat", "callback", "telegram", "email"]);
  });

  it("falls back to the kind itself while the list is loading or for a kind the server lacks", () => {
    const loading = catalogueOf(undefined);
    expect(loading.label("email")).toBe("email");
    expect(loading.sends("email")).toBe(true);
    expect(loading.kindsWith(["email"])).toEqual(["email"]);
    expect(catalogueOf(SERVER).label("gone")).toBe("gone");
  });

  it("lists the channels that are added as inboxes, in the server's order", () => {
    const telegram = { ...channel("telegram", "Telegram"), inboxes: true };
    const sms = { ...channel("sms", "SMS"), inboxes: true };
    expect(catalogueOf([channel("webchat", "Web chat"), telegram, sms]).withInboxes).toEqual([telegram, sms]);
    expect(catalogueOf(undefined).withInboxes).toEqual([]);
    expect(catalogueOf(undefined).loaded).toBe(false);
    expect(catalogueOf([]).loaded).toBe(true);
  });

  it("cachedCatalogue reads what the query cache holds", () => {
    const client = new QueryClient();
    expect(cachedCatalogue(client).label("webchat")).toBe("webchat");
    client.setQueryData(keys.channels, SERVER);
    expect(cachedCatalogue(client).label("webchat")).toBe("Web chat");
  });
});
