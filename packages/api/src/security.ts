// Response headers and log hygiene of the webserver: security headers from @fastify/helmet with
// a Content-Security-Policy the dashboard, Swagger UI (/api/v1/ui) and bull-board (/queues) work
// under, and pino `redact` paths so credentials never reach a log line.
import helmet from "@fastify/helmet";
import type { FastifyInstance } from "fastify";

/**
 * Only same-origin scripts (no inline or eval); inline styles are allowed because Swagger UI and
 * bull-board set `style` attributes; images and fonts may be data: URIs (Swagger UI's icons).
 * No framing by other sites (clickjacking), and no upgrade-insecure-requests, since many installs
 * serve plain HTTP on a private network.
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", "data:"],
  fontSrc: ["'self'", "data:"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  upgradeInsecureRequests: null,
};

export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    // Same-origin only: the dashboard and the docs load nothing from other origins.
    crossOriginResourcePolicy: { policy: "same-origin" },
  });
}

/** pino paths whose values are replaced by "[redacted]" in every log line. */
export const REDACTED_LOG_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  "headers.authorization",
  "headers.cookie",
  "password",
  "*.password",
  "*.*.password",
  "body.password",
  "conn.password",
  "connection.password",
  "*.connection.password",
  "*.extra.password",
  "sessionSecret",
  "localAdminToken",
];

/** Fastify's logger option with redaction added; false stays false. */
export function withRedaction(logger: boolean | object | undefined): boolean | object {
  if (logger === undefined || logger === false) return false;
  const base = logger === true ? {} : logger;
  return { ...base, redact: { paths: REDACTED_LOG_PATHS, censor: "[redacted]" } };
}
