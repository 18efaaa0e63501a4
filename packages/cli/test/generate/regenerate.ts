/**
 * Writes `generated/<fixture>/` again from `fixtures/` after a change to the
 * generator (`pnpm exec tsc -b && node packages/cli/test/generate/regenerate.ts`);
 * `Generate.test.ts` fails while they differ. Never run by `npm test`.
 */
import { readdirSync } from "node:fs"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Effect } from "effect"
import { Generate } from "../../dist/index.js"

const here = new URL(".", import.meta.url).pathname
const names = readdirSync(`${here}fixtures`)
  .filter((file) => file.endsWith(".openapi.json"))
  .map((file) => file.slice(0, -".openapi.json".length))
const program = Effect.forEach(names, (name) =>
  Generate.run({ spec: `${here}fixtures/${name}.openapi.json`, out: `${here}generated/${name}`, name })
)
Effect.runPromise(program.pipe(Effect.provide(NodeServices.layer))).then(
  (written) => console.log(written.flat().join("\n")),
  (error: unknown) => {
    console.error(String(error))
    process.exitCode = 1
  }
)
