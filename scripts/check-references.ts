/**
 * The repository stands alone: no file it tracks cites a path outside it
 * (the developers' notes beside the checkout, a machine's own folders), and
 * every relative link of its Markdown pages leads to a file or folder of the
 * repository that exists — as does every absolute link to one of its files on
 * GitHub (`https://github.com/teo-effect/teo-effect/blob/main/<path>`, the
 * form the package READMEs use, since npm's page cannot follow relative links).
 *
 * Usage: node scripts/check-references.ts
 */
import { spawnSync } from "node:child_process"
import { existsSync, readFileSync, statSync } from "node:fs"
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

/** The repository on GitHub: `blob/main/<file>` and `tree/main/<folder>` links must name a path it has. */
const github = /^https:\/\/github\.com\/teo-effect\/teo-effect\/(blob|tree)\/main\/([^#?]+)/

/** Absolute links of a Markdown page to the repository's own files on GitHub, with their kind. */
const githubLinks = (
  text: string
): ReadonlyArray<{ readonly target: string; readonly kind: string; readonly path: string }> =>
  [...text.matchAll(/\]\(([^)\s]+)\)/g)].flatMap((match) => {
    const target = match[1] ?? ""
    const found = github.exec(target)
    return found === null ? [] : [{ target, kind: found[1] ?? "", path: decodeURI(found[2] ?? "") }]
  })

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
    for (const { target, kind, path } of githubLinks(text)) {
      const local = join(root, path)
      if (!existsSync(local)) findings.push(`${file}: links to a repository path that does not exist: ${target}`)
      else if (statSync(local).isDirectory() !== (kind === "tree")) {
        findings.push(
          `${file}: ${target} names a ${kind === "tree" ? "file with tree/ (blob/ for a file)" : "folder with blob/ (tree/ for a folder)"}`
        )
      }
    }
  }
}

if (findings.length > 0) {
  console.error(findings.join("\n"))
  console.error(`✗ ${findings.length} reference(s) outside the repository or to nothing`)
  process.exit(1)
}
console.log(
  `✓ ${tracked.length} files: no reference outside the repository, every relative Markdown link and every link to the repository on GitHub leads somewhere`
)
