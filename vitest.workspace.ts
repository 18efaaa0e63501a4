/**
 * The test projects of the repository, one per package, example, and suite
 * (reliability, bench, contracts, scripts), each with the aliases that make tests run
 * on the sources. Used by `vitest.config.ts`; `pnpm exec vitest run --project
 * <name>` runs one.
 */
import { fileURLToPath } from "node:url"
import type { TestProjectConfiguration } from "vitest/config"

const packages = ["auth", "api", "testing", "cli"] as const

const file = (path: string) => fileURLToPath(new URL(path, import.meta.url))

/**
 * Tests run on the sources: each `@teo-effect/<name>` resolves to its package's `src/index.ts`
 * (and `@teo-effect/testing/pact` to its module), the repository's test helpers likewise.
 */
const alias = [
  ...packages.map((name) => ({
    find: new RegExp(`^@teo-effect/${name}$`),
    replacement: file(`./packages/${name}/src/index.ts`)
  })),
  { find: /^@teo-effect\/testing\/pact$/, replacement: file("./packages/testing/src/pact/index.ts") },
  { find: /^@teo-effect\/auth\/internal$/, replacement: file("./packages/auth/src/internal/index.ts") },
  { find: /^@teo-effect\/test-support$/, replacement: file("./test-support/src/index.ts") }
]

export const projects: Array<TestProjectConfiguration> = [
  ...packages.map((name) => ({
    resolve: { alias },
    test: {
      name,
      root: `./packages/${name}`,
      include: ["test/**/*.test.ts"],
      sequence: { groupOrder: 1 },
      // The CLI's end-to-end tests spawn `teo` several times per test; its generated-resource
      // contract runs Pact's Verifier, whose http-proxy calls the deprecated `util._extend` (DEP0060).
      ...(name === "cli" ? { testTimeout: 30_000, execArgv: ["--disable-warning=DEP0060"] } : {})
    }
  })),
  ...["sync-job", "http-service", "plain-vitest", "partner-app"].map((name) => ({
    // The examples, tested as they are documented.
    resolve: { alias },
    test: {
      name: `example:${name}`,
      root: `./examples/${name}`,
      include: ["test/**/*.test.ts"],
      sequence: { groupOrder: 1 }
    }
  })),
  {
    // Chaos soak (2,000 calls), fuzzing, secret canaries, bad configuration.
    resolve: { alias },
    test: {
      name: "reliability",
      root: "./reliability",
      include: ["test/**/*.test.ts"],
      sequence: { groupOrder: 1 },
      testTimeout: 90_000
    }
  },
  {
    // The benchmark's smoke test (tiny sizes, shape only).
    resolve: { alias },
    test: {
      name: "bench",
      root: "./bench",
      include: ["test/**/*.test.ts"],
      sequence: { groupOrder: 1 },
      testTimeout: 120_000
    }
  },
  {
    // The repository's own scripts (the release script, on a temporary git repository).
    test: {
      name: "scripts",
      root: "./scripts",
      include: ["*.test.ts"],
      sequence: { groupOrder: 1 }
    }
  },
  {
    // Consumer tests: they drive the library against Pact's mock server and write the pacts.
    resolve: { alias },
    test: {
      name: "contracts:consumer",
      root: "./contracts",
      include: ["test/**/*.test.ts"],
      exclude: ["test/**/*.provider.test.ts"],
      sequence: { groupOrder: 1 }
    }
  },
  {
    // Provider verification: FakeTeo against the pacts just written, so after the consumers.
    resolve: { alias },
    test: {
      name: "contracts:provider",
      root: "./contracts",
      include: ["test/**/*.provider.test.ts"],
      sequence: { groupOrder: 2 },
      // Pact's Verifier proxies through http-proxy, which calls the deprecated `util._extend`: its
      // warning (DEP0060) is silenced where it comes from, not for the whole run.
      execArgv: ["--disable-warning=DEP0060"]
    }
  }
]
