import { defineConfig } from "vitest/config"
import { projects } from "./vitest.workspace.js"

/** Every test project of the repository: see `vitest.workspace.ts`. A `.only` fails the run (also outside CI). */
export default defineConfig({ test: { projects, allowOnly: false } })
