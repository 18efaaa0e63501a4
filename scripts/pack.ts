/**
 * A release you can install without the registry: packs every published
 * package into `release/` (`teo-effect-<name>-<version>.tgz`), after checking
 * that all of them carry one version and depend on each other by a range that
 * version satisfies — what `npm install ./release/*.tgz` needs.
 *
 * Usage: npm run pack   (builds first; `node scripts/pack.ts` when built)
 */
import { spawnSync } from "node:child_process"
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const releaseDir = join(root, "release")

interface Manifest {
  readonly name: string
  readonly version: string
  readonly private?: boolean
  readonly dependencies?: Readonly<Record<string, string>>
  readonly peerDependencies?: Readonly<Record<string, string>>
}

const fail = (message: string): never => {
  console.error(`✗ ${message}`)
  process.exit(1)
}

const packages = readdirSync(join(root, "packages")).map((dir) => ({
  dir: join(root, "packages", dir),
  manifest: JSON.parse(readFileSync(join(root, "packages", dir, "package.json"), "utf8")) as Manifest
}))

const versions = new Set(packages.map(({ manifest }) => manifest.version))
if (versions.size !== 1) fail(`the packages carry several versions: ${[...versions].join(", ")}`)
const [version] = versions

rmSync(releaseDir, { recursive: true, force: true })
mkdirSync(releaseDir)
for (const { dir, manifest } of packages) {
  const packed = spawnSync("pnpm", ["pack", "--pack-destination", releaseDir], { cwd: dir, encoding: "utf8" })
  if (packed.status !== 0) fail(`pnpm pack ${manifest.name}\n${packed.stdout}${packed.stderr}`)
  // What the tarball says, not what the workspace says: `workspace:^` must have become `^<version>`.
  const file = `${manifest.name.replace("@", "").replace("/", "-")}-${manifest.version}.tgz`
  const inside = spawnSync("tar", ["-xOzf", join(releaseDir, file), "package/package.json"], { encoding: "utf8" })
  if (inside.status !== 0) fail(`${file} is not where pnpm pack should have written it`)
  const shipped = JSON.parse(inside.stdout) as Manifest
  for (const [name, range] of Object.entries({ ...shipped.dependencies, ...shipped.peerDependencies })) {
    if (name.startsWith("@teo-effect/") && range !== `^${version}`) {
      fail(`${file} depends on ${name}@${range}, not ^${version}`)
    }
  }
  console.log(`✓ release/${file}`)
}
console.log(
  `\nInstall them in a project as docs/getting-started.md § 1 says: auth and api as dependencies, testing and cli with -D --save-exact (TEO_RELEASE=${releaseDir}).`
)
