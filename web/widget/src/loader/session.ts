// `POST /v1/widget/session`: trade the stored visitor token (if any) for a
// fresh one; a valid token keeps the same visitor id. `lang` (the snippet's
// data-lang, else the page's, else the browser's) picks the site's greeting
// and title when they are written per language.

import { parseSessionResponse, type SessionResponse } from "../protocol";

/** The server said no (unknown site key, origin not allowed, bad body): do not retry. */
export class SessionRefused extends Error {}

export async function requestSession(
  origin: string,
  siteKey: string,
  token: string | null,
  lang?: string,
): Promise<SessionResponse> {
  const response = await fetch(`${origin}/v1/widget/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ site_key: siteKey, token, lang: lang || undefined }),
    credentials: "omit",
  });
  if (response.status >= 400 && response.status < 500) {
    let detail = `HTTP ${response.status}`;
    try {
      const problem = (await response.json()) as { title?: unknown; detail?: unknown };
      detail = String(problem.detail ?? problem.title ?? detail);
    } catch {
      /* not problem+json */
    }
    throw new SessionRefused(detail);
  }
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const session = parseSessionResponse(await response.json());
  if (!session) throw new Error("malformed session response");
  return session;
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries network and server errors (1 s, 2 s, 4 s, … up to 30 s); gives up only on a refusal. */
export async function requestSessionWithRetry(
  origin: string,
  siteKey: string,
  token: () => string | null,
  lang?: string,
): Promise<SessionResponse> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await requestSession(origin, siteKey, token(), lang);
    } catch (err) {
      if (err instanceof SessionRefused) throw err;
      await wait(Math.min(30_000, 1000 * 2 ** attempt));
    }
  }
}
