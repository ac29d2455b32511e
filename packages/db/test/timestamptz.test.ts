// Timestamps read back as the instants written, on both drivers, for every year 0000-9999: V8's
// legacy parser took Postgres's "0099-06-01 00:00:00+00" for 1999-06-01 (a newcomer's run with
// logical date 0099-06-01 showed 1999). Also the default now() and a non-UTC session time zone.
import { describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { eventLog } from "../src/index.ts";
import { parseTimestamptz } from "../src/schema/columns.ts";
import { DRIVERS, useMigratedDatabase } from "./support/test-database.ts";

const INSTANTS = ["0001-01-01T00:00:00.000Z", "0050-03-04T05:06:07.890Z", "0099-06-01T00:00:00.000Z", "0999-12-31T23:59:59.999Z", "1969-07-20T20:17:40.000Z", "2026-11-30T22:49:26.123Z", "9999-12-31T23:59:59.999Z"];

describe.each(DRIVERS)("timestamptz columns (%s)", (driver) => {
  const database = useMigratedDatabase(driver);

  it("read back every year as written, whatever the session's time zone", async () => {
    const { db } = database();
    for (const zone of ["UTC", "Asia/Kolkata"]) {
      await db.execute(sql.raw(`set time zone '${zone}'`));
      for (const at of INSTANTS) {
        const [row] = await db.insert(eventLog).values({ event: `at ${at} in ${zone}`, logicalDate: new Date(at) }).returning();
        const [read] = await db.select().from(eventLog).where(eq(eventLog.id, row!.id));
        expect(read!.logicalDate!.toISOString(), `${at} in ${zone}`).toBe(at);
        expect(Math.abs(read!.dttm.getTime() - Date.now())).toBeLessThan(60_000); // default now()
      }
    }
    await db.execute(sql.raw("set time zone 'UTC'"));
  });
});

describe("parseTimestamptz", () => {
  it("reads Postgres's ISO output: fractions, offsets with minutes or seconds or neither, years below 100", () => {
    expect(parseTimestamptz("0099-06-01 00:00:00+00").toISOString()).toBe("0099-06-01T00:00:00.000Z");
    expect(parseTimestamptz("2026-11-30 22:49:26.123456+00").toISOString()).toBe("2026-11-30T22:49:26.123Z");
    expect(parseTimestamptz("0050-03-04 10:36:07.89+05:30").toISOString()).toBe("0050-03-04T05:06:07.890Z");
    expect(parseTimestamptz("2026-01-01 00:00:00-08").toISOString()).toBe("2026-01-01T08:00:00.000Z");
    expect(parseTimestamptz("0001-01-01 05:53:28+05:53:28").toISOString()).toBe("0001-01-01T00:00:00.000Z");
    expect(parseTimestamptz("2026-05-06 07:08:09.57+00").toISOString()).toBe("2026-05-06T07:08:09.570Z");
    expect(parseTimestamptz("infinity").getTime()).toBeNaN();
  });
});
