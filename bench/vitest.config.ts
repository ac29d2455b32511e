import { defineConfig } from "vitest/config";
import { updraftVitestDefaults } from "../vitest.shared.ts";

export default defineConfig(updraftVitestDefaults);
