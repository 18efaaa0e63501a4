/**
 * Removes each published package's `dist/` before a build: `tsc -b --clean`
 * removes only what the current sources would write, so the output of a
 * module since renamed or deleted would stay there, and be published.
 *
 * Usage: node scripts/clean-dist.ts   (pnpm run build runs it)
 */
import { rmSync } from "node:fs"
import { join } from "node:path"
import { publishedPackages } from "./published-packages.ts"

for (const { dir } of publishedPackages()) rmSync(join(dir, "dist"), { recursive: true, force: true })
