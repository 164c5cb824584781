/**
 * The channels this server has (GET /v1/channels: kind, display name and the
 * traits each adapter declares). The desktop names channels from here, never
 * from a list of its own; until the answer arrives (or if it fails) a kind is
 * shown as its own name.
 */
import { useMemo } from "react";
import { useQuery, type QueryClient } from "@tanstack/react-query";
import { api, unwrap, type ChannelOut } from "../api/client";
import { keys } from "../api/keys";

export interface ChannelCatalogue {
  /** Every channel of the server, in the server's order ([] while loading). */
  channels: readonly ChannelOut[];
  /** False until the server's answer is there (a form of channels then says "loading", not "none"). */
  loaded: boolean;
  label(kind: string): string;
  /** True unless the server says nothing is sent on it (callbacks); unknown kinds count as sending. */
  sends(kind: string): boolean;
  /** The server's channels that agents take work on first, then any other kind in `extra`, each once. */
  kindsWith(extra: Iterable<string>): string[];
  /** The channels an admin adds inboxes of (reached by webhooks), with their settings' fields. */
  withInboxes: readonly ChannelOut[];
}

export function catalogueOf(channels: readonly ChannelOut[] | undefined): ChannelCatalogue {
  const list = channels ?? [];
  const byKind = new Map(list.map((c) => [c.kind, c]));
  return {
    channels: list,
    loaded: channels !== undefined,
    label: (kind) => byKind.get(kind)?.display_name ?? kind,
    sends: (kind) => byKind.get(kind)?.outbound ?? true,
    kindsWith: (extra) => [...new Set<string>([...list.map((c) => c.kind), ...extra])],
    withInboxes: list.filter((c) => c.inboxes),
  };
}

const CHANNELS_STALE_MS = 60 * 60_000; // a server's channels change with a deploy, not during a shift

export function channelsQuery() {
  return {
    queryKey: keys.channels,
    queryFn: () => unwrap(api.GET("/v1/channels")),
    staleTime: CHANNELS_STALE_MS,
  };
}

export function useChannels(): ChannelCatalogue {
  const { data } = useQuery(channelsQuery());
  return useMemo(() => catalogueOf(data), [data]);
}

/** For code outside components (the socket's handlers): whatever the cache holds. */
export function cachedCatalogue(client: QueryClient): ChannelCatalogue {
  return catalogueOf(client.getQueryData<ChannelOut[]>(keys.channels));
}
