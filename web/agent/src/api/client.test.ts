import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, createApi, errorMessage, setCsrfToken, setUnauthorizedHandler, unwrap } from "./client";

function recorder(respond: (request: Request) => Response | Promise<Response>) {
  const requests: Request[] = [];
  const fetch = async (request: Request) => {
    requests.push(request);
    return respond(request);
  };
  return { requests, fetch };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
const problem = (body: unknown, status: number, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/problem+json", ...headers } });

const BASE = "http://hovor.test";

afterEach(() => {
  setCsrfToken(null);
  setUnauthorizedHandler(null);
});

describe("CSRF header", () => {
  it("is sent on writes with the token from login/me, never on reads", async () => {
    const { requests, fetch } = recorder(() => json({ items: [], next_cursor: null }));
    const api = createApi({ baseUrl: BASE, fetch });
    setCsrfToken("tok-123");
    await api.GET("/v1/conversations", { params: { query: { view: "all", status: "open" } } });
    await api.POST("/v1/conversations/{conversation_id}/close", { params: { path: { conversation_id: "c1" } } });
    await api.PUT("/v1/me/presence", { body: { status: "away" } });
    expect(requests.map((r) => [r.method, r.headers.get("X-CSRF-Token")])).toEqual([
      ["GET", null],
      ["POST", "tok-123"],
      ["PUT", "tok-123"],
    ]);
    expect(requests[0]!.url).toBe(`${BASE}/v1/conversations?view=all&status=open`);
    expect(requests[1]!.url).toBe(`${BASE}/v1/conversations/c1/close`);
    expect(requests[0]!.credentials).toBe("same-origin");
  });

  it("is left out when there is no token yet (login)", async () => {
    const { requests, fetch } = recorder(() => json({}));
    const api = createApi({ baseUrl: BASE, fetch });
    await api.POST("/v1/auth/login", { body: { email: "a@b.c", password: "x" } });
    expect(requests[0]!.headers.get("X-CSRF-Token")).toBeNull();
  });
});

describe("unwrap and problem+json", () => {
  it("returns the body on success", async () => {
    const { fetch } = recorder(() => json({ items: [], has_more: false }));
    const api = createApi({ baseUrl: BASE, fetch });
    const page = await unwrap(api.GET("/v1/conversations/{conversation_id}/messages", { params: { path: { conversation_id: "c" } } }));
    expect(page).toEqual({ items: [], has_more: false });
  });

  it("throws ApiError carrying the problem detail", async () => {
    const { fetch } = recorder(() =>
      problem({ type: "about:blank", title: "Not Found", status: 404, detail: "Conversation not found" }, 404),
    );
    const api = createApi({ baseUrl: BASE, fetch });
    const error = await unwrap(api.GET("/v1/conversations/{conversation_id}", { params: { path: { conversation_id: "x" } } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(404);
    expect((error as ApiError).title).toBe("Not Found");
    expect(errorMessage(error)).toBe("Conversation not found");
  });

  it("reads Retry-After on 429", async () => {
    const { fetch } = recorder(() =>
      problem({ type: "about:blank", title: "Too Many Requests", status: 429, detail: "Too many login attempts" }, 429, { "Retry-After": "30" }),
    );
    const api = createApi({ baseUrl: BASE, fetch });
    const error = (await unwrap(api.POST("/v1/auth/login", { body: { email: "a", password: "b" } })).catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(429);
    expect(error.retryAfter).toBe(30);
    expect(error.message).toBe("Too many login attempts");
  });

  it("summarises validation errors when there is no detail", async () => {
    const { fetch } = recorder(() =>
      problem({ type: "about:blank", title: "Unprocessable", status: 422, errors: [{ loc: ["body", "body"], msg: "too long" }] }, 422),
    );
    const api = createApi({ baseUrl: BASE, fetch });
    const error = (await unwrap(
      api.POST("/v1/conversations/{conversation_id}/messages", { params: { path: { conversation_id: "c" } }, body: { body: "x", client_id: "1", private: false } }),
    ).catch((e: unknown) => e)) as ApiError;
    expect(error.errors).toHaveLength(1);
    expect(error.message).toBe("body: too long");
  });

  it("understands FastAPI's default validation shape too", async () => {
    const { fetch } = recorder(() => json({ detail: [{ loc: ["query", "limit"], msg: "must be <= 100" }] }, 422));
    const api = createApi({ baseUrl: BASE, fetch });
    const error = (await unwrap(api.GET("/v1/conversations", { params: { query: { limit: 500 } } })).catch((e: unknown) => e)) as ApiError;
    expect(error.message).toBe("query.limit: must be <= 100");
  });

  it("turns a network failure into ApiError status 0", async () => {
    const api = createApi({ baseUrl: BASE, fetch: () => Promise.reject(new TypeError("Failed to fetch")) });
    const error = (await unwrap(api.GET("/v1/auth/me")).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(0);
    expect(error.message).toMatch(/could not reach/i);
  });

  it("tells the app about a 401 unless asked to stay quiet", async () => {
    const { fetch } = recorder(() => problem({ type: "about:blank", title: "Unauthorized", status: 401, detail: "Not signed in" }, 401));
    const api = createApi({ baseUrl: BASE, fetch });
    const handler = vi.fn();
    setUnauthorizedHandler(handler);
    await unwrap(api.GET("/v1/users")).catch(() => undefined);
    await unwrap(api.GET("/v1/auth/me"), { quiet401: true }).catch(() => undefined);
    expect(handler).toHaveBeenCalledTimes(1);
  });
});
