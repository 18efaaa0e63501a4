import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

const packages = ["auth", "api", "testing", "cli"] as const

const source = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url))

/** Tests run on the sources: `@teo-effect/*` resolves to each package's `src/index.ts` (and the repository's own test helpers). */
const alias = {
  ...Object.fromEntries(packages.map((name) => [`@teo-effect/${name}`, source(name)])),
  "@teo-effect/test-support": fileURLToPath(new URL("./test-support/src/index.ts", import.meta.url))
}

export default defineConfig({
  test: {
    projects: [
      ...packages.map((name) => ({
        resolve: { alias },
        test: {
          name,
          root: `./packages/${name}`,
          include: ["test/**/*.test.ts"],
          sequence: { groupOrder: 0 }
        }
      })),
      {
        resolve: { alias },
        test: {
          name: "contracts",
          root: "./contracts",
          include: ["test/**/*.test.ts"],
          sequence: { groupOrder: 1 }
        }
      }
    ]
  }
})
