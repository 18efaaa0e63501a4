/**
 * The changelog as users read it: each changeset's text as written, without
 * commit hashes; the versions of the other teo-effect packages a release
 * needs, in one line (the four are released together, with one version).
 */
export default {
  getReleaseLine: (changeset) => {
    const [first = "", ...rest] = changeset.summary.split("\n").map((line) => line.trimEnd())
    return [`- ${first}`, ...rest.map((line) => (line === "" ? "" : `  ${line}`))].join("\n")
  },
  getDependencyReleaseLine: (_changesets, updated) =>
    updated.length === 0
      ? ""
      : `- Goes with ${updated.map((dependency) => `\`${dependency.name}\` ${dependency.newVersion}`).join(", ")}.`
}
