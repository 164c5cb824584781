/**
 * The desktop's only door to the back-end: typed paths generated from the
 * service's OpenAPI schema (see schema.d.ts / `npm run gen:api`) and
 * openapi-fetch. Adds the CSRF header on writes and turns
 * application/problem+json answers into ApiError.
 */
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type UserOut = Schemas["UserOut"];
export type MeOut = Schemas["MeOut"];
export type ConversationOut = Schemas["ConversationOut"];
export type MessageOut = Schemas["MessageOut"];
export type ConversationPage = Schemas["ConversationPage"];
export type MessagePage = Schemas["MessagePage"];
export type LoginIn = Schemas["LoginIn"];
export type PresenceIn = Schemas["PresenceIn"];
export type MessageIn = Schemas["MessageIn"];
export type AssignIn = Schemas["AssignIn"];
export type DeliveryOut = Schemas["DeliveryOut"];
export type ChannelOut = Schemas["ChannelOut"];
export type Presence = UserOut["presence"];
export type ApiClient = Client<paths>;

export interface ProblemFieldError {
  loc: (string | number)[];
  msg: string;
}

/** An RFC 9457 problem answer (or a network failure, status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string | null;
  readonly errors: ProblemFieldError[];
  /** Seconds from a Retry-After header (429), if any. */
  readonly retryAfter: number | null;

  constructor(init: {
    status: number;
    type?: string;
    title?: string;
    detail?: string | null;
    errors?: ProblemFieldError[];
    retryAfter?: number | null;
  }) {
    const title = init.title ?? "Request failed";
    const errors = init.errors ?? [];
    super(describeProblem(init.status, title, init.detail ?? null, errors));
    this.name = "ApiError";
    this.status = init.status;
    this.type = init.type ?? "about:blank";
    this.title = title;
    this.detail = init.detail ?? null;
    this.errors = errors;
    this.retryAfter = init.retryAfter ?? null;
  }
}

function describeProblem(status: number, title: string, detail: string | null, errors: ProblemFieldError[]): string {
  if (detail) return detail;
  if (errors.length > 0) {
    return errors
      .map((e) => {
        const field = (e.loc[0] === "body" ? e.loc.slice(1) : e.loc).join(".");
        return field ? `${field}: ${e.msg}` : e.msg;
      })
      .join("; ");
  }
  if (status === 0) return title;
  return `${title} (HTTP ${status})`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Builds an ApiError from a failed response and its (already parsed) body. */
export function problemFromResponse(response: Response, body: unknown): ApiError {
  const retry = response.headers.get("Retry-After");
  const retryAfter = retry !== null && /^\d+$/.test(retry.trim()) ? Number(retry) : null;
  if (isRecord(body)) {
    // problem+json puts field errors in `errors`; FastAPI's default 422 in `detail`.
    const rawErrors = Array.isArray(body.errors) ? body.errors : Array.isArray(body.detail) ? body.detail : null;
    const errors: ProblemFieldError[] = rawErrors
      ? rawErrors.filter(isRecord).map((e) => ({
          loc: Array.isArray(e.loc) ? (e.loc as (string | number)[]) : [],
          msg: typeof e.msg === "string" ? e.msg : String(e.msg),
        }))
      : [];
    // FastAPI's default shape {"detail": "..."} is accepted too.
    return new ApiError({
      status: typeof body.status === "number" ? body.status : response.status,
      type: typeof body.type === "string" ? body.type : undefined,
      title: typeof body.title === "string" ? body.title : response.statusText || undefined,
      detail: typeof body.detail === "string" ? body.detail : null,
      errors,
      retryAfter,
    });
  }
  return new ApiError({
    status: response.status,
    title: response.statusText || undefined,
    detail: typeof body === "string" && body && body.length < 300 ? body : null,
    retryAfter,
  });
}

/* ---------------------------------------------------------------- CSRF -- */

let csrfToken: string | null = null;

/** Kept in memory only; set from the login / me answers. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function getCsrfToken(): string | null {
  return csrfToken;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function csrfMiddleware(getToken: () => string | null = getCsrfToken): Middleware {
  return {
    onRequest({ request }) {
      const token = getToken();
      if (token && !SAFE_METHODS.has(request.method.toUpperCase())) {
        request.headers.set("X-CSRF-Token", token);
      }
      return request;
    },
  };
}

/* -------------------------------------------------------------- client -- */

export interface ApiOptions {
  baseUrl?: string;
  fetch?: (input: Request) => Promise<Response>;
  getCsrfToken?: () => string | null;
}

export function createApi(options: ApiOptions = {}): ApiClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl ?? (typeof window !== "undefined" ? window.location.origin : ""),
    credentials: "same-origin",
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  client.use(csrfMiddleware(options.getCsrfToken));
  return client;
}

export const api: ApiClient = createApi();

/* -------------------------------------------------------------- unwrap -- */

type Unauthorized = (error: ApiError) => void;
let onUnauthorized: Unauthorized | null = null;

/** The app registers this to fall back to the login screen on a 401. */
export function setUnauthorizedHandler(handler: Unauthorized | null): void {
  onUnauthorized = handler;
}

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * Resolves to the success body or throws ApiError. A network failure becomes
 * ApiError with status 0.
 */
export async function unwrap<T>(call: Promise<FetchResult<T>>, options: { quiet401?: boolean } = {}): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await call;
  } catch (cause) {
    if (cause instanceof ApiError) throw cause;
    throw new ApiError({
      status: 0,
      title: "Network error",
      detail: "Could not reach the server. Check your connection and try again.",
    });
  }
  const { response } = result;
  if (response.ok) return result.data as T;
  const error = problemFromResponse(response, result.error);
  if (error.status === 401 && !options.quiet401) onUnauthorized?.(error);
  throw error;
}

/** Human-readable text for anything a query or mutation may throw. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}
