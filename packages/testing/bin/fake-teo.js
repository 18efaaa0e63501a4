#!/usr/bin/env node
// The `fake-teo` executable. A file that exists before the package is built, so that a package
// manager links it on the first install of a workspace too; the command is dist/bin/fake-teo.js.
// First, the Node.js version this package's `engines` asks for: on an older Node, one line that
// says what is needed and what runs (exit 1), rather than an error from deep inside a dependency.
// Written for any Node.
import { readFileSync } from "node:fs"

const wanted = /(\d+)\.(\d+)/.exec(
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).engines.node
)
const [major, minor] = process.versions.node.split(".").map(Number)
if (wanted !== null && (major < Number(wanted[1]) || (major === Number(wanted[1]) && minor < Number(wanted[2])))) {
  const needed = `${wanted[1]}.${wanted[2]}`
  process.stderr.write(
    `fake-teo: Node.js ${needed} or later is needed; this is Node.js ${process.versions.node}. / ` +
      `Node.js ${needed} ou plus récent est nécessaire ; celui-ci est Node.js ${process.versions.node}.\n`
  )
  process.exit(1)
}
await import("../dist/bin/fake-teo.js")
