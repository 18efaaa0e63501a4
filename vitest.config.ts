import { defineConfig } from "vitest/config"
import { projects } from "./vitest.workspace.js"

/** Every test project of the repository: see `vitest.workspace.ts`. */
export default defineConfig({ test: { projects } })
