/**
 * TEMPORARY, HAND-WRITTEN from docs/api.md so the desktop compiles before the
 * back-end publishes src/hovor/openapi.json. Replace with the generated file:
 *   cd web && npm run gen:api
 * Do not edit by hand once generated.
 */

type JSON<T> = { headers: { [name: string]: unknown }; content: { "application/json": T } };
type Problem = { headers: { [name: string]: unknown }; content: { "application/problem+json": components["schemas"]["Problem"] } };
type NoParams = { query?: never; header?: never; path?: never; cookie?: never };
type IdPath = { query?: never; header?: never; path: { conversation_id: string }; cookie?: never };

export interface paths {
  "/v1/auth/login": {
    post: {
      parameters: NoParams;
      requestBody: { content: { "application/json": components["schemas"]["LoginIn"] } };
      responses: { 200: JSON<components["schemas"]["MeOut"]>; 401: Problem; 422: Problem; 429: Problem };
    };
  };
  "/v1/auth/logout": {
    post: { parameters: NoParams; requestBody?: never; responses: { 204: { headers: { [name: string]: unknown }; content?: never } } };
  };
  "/v1/auth/me": {
    get: { parameters: NoParams; requestBody?: never; responses: { 200: JSON<components["schemas"]["MeOut"]>; 401: Problem } };
  };
  "/v1/me/presence": {
    put: {
      parameters: NoParams;
      requestBody: { content: { "application/json": components["schemas"]["PresenceIn"] } };
      responses: { 200: JSON<components["schemas"]["UserOut"]>; 422: Problem };
    };
  };
  "/v1/users": {
    get: { parameters: NoParams; requestBody?: never; responses: { 200: JSON<components["schemas"]["UserOut"][]> } };
  };
  "/v1/conversations": {
    get: {
      parameters: {
        query?: { view?: "unassigned" | "mine" | "all"; status?: "open" | "closed"; limit?: number; cursor?: string | null };
        header?: never; path?: never; cookie?: never;
      };
      requestBody?: never;
      responses: { 200: JSON<components["schemas"]["ConversationPage"]>; 422: Problem };
    };
  };
  "/v1/conversations/{conversation_id}": {
    get: { parameters: IdPath; requestBody?: never; responses: { 200: JSON<components["schemas"]["ConversationOut"]>; 404: Problem } };
  };
  "/v1/conversations/{conversation_id}/messages": {
    get: {
      parameters: { query?: { limit?: number; before?: string | null }; header?: never; path: { conversation_id: string }; cookie?: never };
      requestBody?: never;
      responses: { 200: JSON<components["schemas"]["MessagePage"]>; 404: Problem };
    };
    post: {
      parameters: IdPath;
      requestBody: { content: { "application/json": components["schemas"]["MessageIn"] } };
      responses: { 201: JSON<components["schemas"]["MessageOut"]>; 404: Problem; 422: Problem };
    };
  };
  "/v1/conversations/{conversation_id}/close": {
    post: { parameters: IdPath; requestBody?: never; responses: { 200: JSON<components["schemas"]["ConversationOut"]>; 404: Problem } };
  };
  "/v1/conversations/{conversation_id}/reopen": {
    post: { parameters: IdPath; requestBody?: never; responses: { 200: JSON<components["schemas"]["ConversationOut"]>; 404: Problem } };
  };
  "/v1/conversations/{conversation_id}/assign": {
    post: {
      parameters: IdPath;
      requestBody: { content: { "application/json": components["schemas"]["AssignIn"] } };
      responses: { 200: JSON<components["schemas"]["ConversationOut"]>; 404: Problem };
    };
  };
  "/v1/conversations/{conversation_id}/read": {
    post: { parameters: IdPath; requestBody?: never; responses: { 204: { headers: { [name: string]: unknown }; content?: never }; 404: Problem } };
  };
}

export interface components {
  schemas: {
    LoginIn: { email: string; password: string };
    PresenceIn: { status: "online" | "away" | "offline" };
    MessageIn: { body: string; client_id?: string | null };
    AssignIn: { user_id: string | null };
    UserOut: {
      id: string;
      email: string;
      name: string;
      role: "admin" | "supervisor" | "agent";
      presence: "online" | "away" | "offline";
      chat_capacity: number;
    };
    WorkspaceOut: { id: string; name: string };
    MeOut: { user: components["schemas"]["UserOut"]; workspace: components["schemas"]["WorkspaceOut"]; csrf_token: string };
    ContactRef: { id: string; name: string; email: string | null };
    UserRef: { id: string; name: string };
    MessageOut: {
      id: string;
      conversation_id: string;
      author_type: "visitor" | "agent" | "system";
      author_id: string | null;
      author_name: string | null;
      body: string;
      client_id: string | null;
      created_at: string;
    };
    ConversationOut: {
      id: string;
      status: "open" | "closed";
      channel: "webchat";
      contact: components["schemas"]["ContactRef"];
      assignee: components["schemas"]["UserRef"] | null;
      last_message: components["schemas"]["MessageOut"] | null;
      unread_count: number;
      created_at: string;
      last_activity_at: string;
    };
    ConversationPage: { items: components["schemas"]["ConversationOut"][]; next_cursor: string | null };
    MessagePage: { items: components["schemas"]["MessageOut"][]; has_more: boolean };
    Problem: {
      type: string;
      title: string;
      status: number;
      detail?: string | null;
      errors?: { loc: (string | number)[]; msg: string }[] | null;
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
