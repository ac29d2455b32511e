// Public API of @updraft/api: the REST API server factory and the types around it.
export { buildApiServer, API_VERSION } from "./server.ts";
export type { ApiServerOptions, RegisteredRoute } from "./server.ts";
export type { Access, AuthenticatedUser } from "./auth/access.ts";
export { LOCAL_ADMIN_USERNAME } from "./auth/authenticate.ts";
export { SESSION_COOKIE } from "./auth/sessions.ts";
export { OPENAPI_PATH, DOCS_PREFIX } from "./routes/openapi.ts";
