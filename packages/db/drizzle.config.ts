// drizzle-kit settings: `pnpm db:generate` diffs src/schema against drizzle/ and writes a new
// SQL migration there. Generating needs no database.
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./src/schema/index.ts",
  out: "./drizzle",
});
