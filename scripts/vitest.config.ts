/**
 * The repository scripts' own tests (`scripts/*.test.ts`, e.g. the release
 * script's, on a temporary git repository). Not part of the root projects:
 * run with `pnpm exec vitest run --config scripts/vitest.config.ts`.
 */
import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    name: "scripts",
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["*.test.ts"],
    allowOnly: false
  }
})
