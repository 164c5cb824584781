/** The channels the routing forms offer (others a queue or profile already has are shown too). */
export const ROUTED_CHANNELS = ["webchat", "callback", "email"] as const;

const CHANNEL_LABELS: Record<string, string> = {
  webchat: "Web chat",
  callback: "Callback",
  email: "E-mail",
  call: "Call",
  messenger: "Messenger",
};

export function channelLabel(channel: string): string {
  return CHANNEL_LABELS[channel] ?? channel;
}

/** The known channels first, then any other in `extra`, each once. */
export function channelsWith(extra: Iterable<string>): string[] {
  return [...new Set<string>([...ROUTED_CHANNELS, ...extra])];
}
