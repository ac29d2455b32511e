// One lint config for the whole workspace. Type-aware rules are limited to the few that catch
// real bugs in async orchestration code (floating promises, non-exhaustive switches).
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["**/dist/**", "**/node_modules/**", "**/.turbo/**", "**/drizzle/**", "**/*.config.*", "**/web/build/**", "**/test/fixtures/**"],
  },
  js.configs.recommended,
  { languageOptions: { globals: globals.node } },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: {
      parserOptions: { projectService: true },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: false }],
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  {
    // `updraft --help` loads the program and every command module: they may import commander,
    // node built-ins and types only. The work lives in modules that actions import when they run.
    files: ["apps/cli/src/program.ts", "apps/cli/src/main.ts", "apps/cli/src/commands/*.ts"],
    ignores: ["apps/cli/src/commands/*-actions.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(?!commander$|node:|\\./(?![a-z-]+-actions\\.ts$)[a-z-]+\\.ts$|\\.\\./output\\.ts$|\\./commands/)",
              allowTypeImports: true,
              message: "Command modules load only commander at start-up; import this inside the action (see program.ts).",
            },
          ],
        },
      ],
    },
  },
  {
    // The dashboard's source runs in the browser.
    files: ["apps/web/src/**/*.{ts,tsx}"],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ["**/*.test.ts", "**/*.test-d.ts", "**/test/**"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unused-vars": "off",
    },
  },
);
