// Who the caller is: the dashboard shows or hides action buttons by role (the API's 403 stays
// the real guard).
import { Type } from "typebox";
import { errorResponses } from "../schemas/common.ts";
import type { ApiApp } from "./context.ts";

const Me = Type.Object(
  { username: Type.String(), role: Type.Enum(["Admin", "Op", "Viewer"]), via: Type.Enum(["basic", "session", "token"]) },
  { title: "CurrentUser" },
);

export function meRoutes(app: ApiApp): void {
  app.get(
    "/api/v1/me",
    { schema: { tags: ["User"], summary: "The authenticated user and role", response: { 200: Me, ...errorResponses } } },
    // The access gate ran already, so a user is always present here.
    async (request) => request.user!,
  );
}
