// Throttles failed logins (the form and HTTP Basic) per username and per client address, with
// rate-limiter-flexible's Drizzle store: the counters live in the `rate_limit` table, so every
// webserver behind one address shares them and a restart does not reset them. If the database
// cannot be reached the library falls back to an in-process limiter (its "insurance").
import { UpdraftError } from "@updraft/core";
import { rateLimits, type UpdraftDb } from "@updraft/db";
import { RateLimiterDrizzle, RateLimiterMemory, type RateLimiterRes } from "rate-limiter-flexible";

export interface ThrottleWindow {
  /** Failed attempts allowed within the window. */
  failures: number;
  /** Window length, counted from the first failure. Further attempts are refused until it ends. */
  windowSec: number;
}

export interface LoginThrottleOptions {
  /** @defaultValue { failures: 10, windowSec: 300 } */
  perUsername?: ThrottleWindow;
  /** @defaultValue { failures: 50, windowSec: 300 } */
  perAddress?: ThrottleWindow;
}

export const DEFAULT_LOGIN_THROTTLE: Required<LoginThrottleOptions> = {
  perUsername: { failures: 10, windowSec: 300 },
  perAddress: { failures: 50, windowSec: 300 },
};

function limiter(db: UpdraftDb, prefix: string, window: ThrottleWindow): RateLimiterDrizzle {
  return new RateLimiterDrizzle({
    storeClient: db,
    schema: rateLimits,
    keyPrefix: prefix,
    points: window.failures,
    duration: window.windowSec,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix: prefix, points: window.failures, duration: window.windowSec }),
  });
}

/** Thrown (as 429) while a username or address has used up its failed attempts. */
export function tooManyAttempts(retryAfterSec: number): UpdraftError {
  return new UpdraftError("UPDRAFT_TOO_MANY_LOGIN_ATTEMPTS", `Too many failed logins; try again in ${retryAfterSec} s`, {
    details: { retryAfterSec },
  });
}

export class LoginThrottle {
  readonly #byUser: RateLimiterDrizzle;
  readonly #byAddress: RateLimiterDrizzle;

  constructor(db: UpdraftDb, options: LoginThrottleOptions = {}) {
    this.#byUser = limiter(db, "login_user", options.perUsername ?? DEFAULT_LOGIN_THROTTLE.perUsername);
    this.#byAddress = limiter(db, "login_ip", options.perAddress ?? DEFAULT_LOGIN_THROTTLE.perAddress);
  }

  /** Seconds to wait before another attempt for this username or address; 0 when allowed now. */
  async retryAfterSec(username: string, address: string): Promise<number> {
    const [user, ip] = await Promise.all([this.#byUser.get(username.toLowerCase()), this.#byAddress.get(address)]);
    const wait = (res: RateLimiterRes | null, points: number) =>
      res !== null && res.consumedPoints >= points ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : 0;
    return Math.max(wait(user, this.#byUser.points), wait(ip, this.#byAddress.points));
  }

  /** Counts one failed attempt against both the username and the address. */
  async failed(username: string, address: string): Promise<void> {
    await Promise.all([this.#byUser.penalty(username.toLowerCase(), 1), this.#byAddress.penalty(address, 1)]);
  }

  /** A successful login forgets the username's failures (the address keeps its count). */
  async succeeded(username: string): Promise<void> {
    await this.#byUser.delete(username.toLowerCase());
  }
}
