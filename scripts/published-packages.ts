/**
 * The packages a release publishes: `packages/*` but the private ones, read
 * from their package.json. Shared by the release's publishing step
 * (publish.ts) and its rehearsal on a local registry (release-local.ts).
 */
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))

/** What the release reads of a package's package.json. */
export interface Manifest {
  readonly name: string
  readonly version: string
  readonly private?: boolean
  readonly exports?: unknown
  readonly bin?: unknown
  readonly files?: ReadonlyArray<string>
  readonly engines?: unknown
  readonly dependencies?: Readonly<Record<string, string>>
  readonly peerDependencies?: Readonly<Record<string, string>>
  readonly publishConfig?: Readonly<Record<string, unknown>>
}

/** The published packages, each with its folder and manifest. */
export const publishedPackages = (): ReadonlyArray<{ readonly dir: string; readonly manifest: Manifest }> =>
  readdirSync(join(root, "packages"))
    .map((name) => join(root, "packages", name))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest }))
    .filter(({ manifest }) => manifest.private !== true)
