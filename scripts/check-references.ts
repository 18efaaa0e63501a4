/**
 * The repository stands alone: no file it tracks cites a path outside it
 * (the developers' notes beside the checkout, a machine's own folders), and
 * every relative link of its Markdown pages leads to a file or folder of the
 * repository that exists.
 *
 * Usage: node scripts/check-references.ts
 */
import { spawnSync } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { root } from "./doc-blocks.ts"

const tracked = spawnSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" })
  .stdout.split("\0")
  .filter((file) => /\.(ts|mts|mjs|js|md|json|yaml|yml|sh)$/.test(file) && file !== "scripts/check-references.ts")

/** What points outside: the notes kept beside the checkout, a machine's absolute paths. */
const outside: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bshared\/(?:docs|seed|hooks)\b/, "the developers' notes beside the repository"],
  [/\.\.\/\.\.?\/shared\b|(?<![\w.-])\.\.\/shared\b/, "a folder beside the repository"],
  [/(?<![\w.:-])\/work\/|(?<![\w.:-])\/tmp\/teo/, "a path of one machine"]
]

/** Relative links of a Markdown page: `[text](target)`, without the web, mail and anchors. */
const links = (text: string): ReadonlyArray<string> =>
  [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => (match[1] ?? "").split("#")[0] ?? "")
    .filter((target) => target !== "" && !/^[a-z][a-z+.-]*:/i.test(target))

const findings: Array<string> = []
for (const file of tracked) {
  const text = readFileSync(join(root, file), "utf8")
  text.split("\n").forEach((line, index) => {
    for (const [pattern, what] of outside) {
      if (pattern.test(line)) findings.push(`${file}:${index + 1}: cites ${what}: ${line.trim().slice(0, 100)}`)
    }
  })
  if (file.endsWith(".md")) {
    for (const target of links(text)) {
      const path = resolve(dirname(join(root, file)), decodeURI(target))
      const inside = relative(root, path)
      if (inside.startsWith("..")) findings.push(`${file}: links outside the repository: ${target}`)
      else if (!existsSync(path)) findings.push(`${file}: links to a path that does not exist: ${target}`)
    }
  }
}

if (findings.length > 0) {
  console.error(findings.join("\n"))
  console.error(`✗ ${findings.length} reference(s) outside the repository or to nothing`)
  process.exit(1)
}
console.log(
  `✓ ${tracked.length} files: no reference outside the repository, every relative Markdown link leads somewhere`
)
