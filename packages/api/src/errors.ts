// Turns everything thrown inside a request into Airflow's problem JSON: Updraft errors answer
// with their registry status and code, schema violations with 400 naming the field, and anything
// unexpected with a bare 500 (details go to the log, never to the client).
import { STATUS_CODES } from "node:http";
import { isUpdraftError, UpdraftError } from "@updraft/core";
import { isConnectionError, sqlStateOf } from "@updraft/db";
import type { FastifyError, FastifyInstance, FastifyReply } from "fastify";

export interface ProblemBody {
  title: string;
  status: number;
  detail: string;
  /** The stable Updraft error code. */
  type: string;
}

export function problem(status: number, detail: string, type: string): ProblemBody {
  return { title: STATUS_CODES[status] ?? "Error", status, detail, type };
}

/** Realm sent with every 401 so HTTP clients know Basic credentials are accepted. */
export const BASIC_CHALLENGE = 'Basic realm="Updraft"';

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isUpdraftError(error)) {
      if (error.httpStatus >= 500) request.log.error({ err: error }, "request failed");
      return sendUpdraftError(reply, error);
    }
    if (error.validation !== undefined) {
      const detail = describeValidation(error.validationContext ?? "request", error.validation);
      return sendProblem(reply, problem(400, detail, "UPDRAFT_INVALID_INPUT"));
    }
    // SQLSTATE class 22 (data exception): a value Postgres cannot store or compare, such as a NUL
    // byte in a name or a number out of range. That is bad input, not a server fault.
    if (sqlStateOf(error)?.startsWith("22") === true) {
      return sendProblem(reply, problem(400, "A value in the request cannot be stored (invalid characters such as NUL, or a number out of range)", "UPDRAFT_INVALID_INPUT"));
    }
    // The metadatabase went away (a restart, an outage): 503, so clients and proxies retry. The
    // process has already logged the outage once; a line per failed request would bury it.
    if (isConnectionError(error)) {
      request.log.debug({ err: error }, "request failed: metadatabase unreachable");
      reply.header("retry-after", "5");
      return sendUpdraftError(reply, new UpdraftError("UPDRAFT_DB_UNAVAILABLE", "The metadatabase is unreachable right now"));
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Fastify's own client errors: malformed JSON, unsupported media type, body too large.
      return sendProblem(reply, problem(status, error.message, status === 400 ? "UPDRAFT_INVALID_INPUT" : (error.code ?? "UPDRAFT_INTERNAL")));
    }
    request.log.error({ err: error }, "unexpected error");
    return sendProblem(reply, problem(500, "Internal server error; the webserver log has the details.", "UPDRAFT_INTERNAL"));
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problem(404, `No route ${request.method} ${request.url.split("?")[0]}`, "UPDRAFT_ROUTE_NOT_FOUND")),
  );
}

/** Sends an UpdraftError as problem JSON (with the Basic challenge on 401). */
export function sendUpdraftError(reply: FastifyReply, error: UpdraftError): FastifyReply {
  return sendProblem(reply, problem(error.httpStatus, `${error.message}. ${error.hint}`, error.code));
}

function sendProblem(reply: FastifyReply, body: ProblemBody): FastifyReply {
  if (body.status === 401) reply.header("www-authenticate", BASIC_CHALLENGE);
  return reply.code(body.status).type("application/problem+json").send(body);
}

interface ValidationIssue {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string | undefined;
}

/** One sentence naming the offending field, e.g. `body has unknown field "foo"`. */
export function describeValidation(context: string, issues: readonly ValidationIssue[]): string {
  const issue = issues[0];
  if (issue === undefined) return `invalid ${context}`;
  const field = [context, ...issue.instancePath.split("/").filter((p) => p !== "")].join(".");
  switch (issue.keyword) {
    case "additionalProperties":
      return `${field} has unknown field "${String(issue.params.additionalProperty)}"`;
    case "required":
      return `${field}.${String(issue.params.missingProperty)} is required`;
    case "enum":
      return `${field} must be one of: ${(issue.params.allowedValues as unknown[]).map(String).join(", ")}`;
    default:
      return `${field} ${issue.message ?? "is invalid"}`;
  }
}
