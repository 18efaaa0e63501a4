/**
 * Secret canaries where the other suites do not look: the committed Pact
 * contracts carry only FakeTeo's documented fake credentials and an example
 * token, and no test canary ever reached them.
 */
import { readdirSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "vitest"

const contracts = fileURLToPath(new URL("../../contracts/", import.meta.url))

describe("contract files", () => {
  const files = readdirSync(contracts).filter((name) => /^teo-effect-.+\.json$/.test(name))

  it("exist", () => {
    assert.deepStrictEqual(files, ["teo-effect-teo-api.json", "teo-effect-teo-auth.json"])
  })

  it("hold no canary and only the fake client's Basic credentials", () => {
    for (const file of files) {
      const text = readFileSync(`${contracts}${file}`, "utf8")
      assert.notMatch(text, /canary/i, file)
      for (const basic of text.matchAll(/"Basic ([A-Za-z0-9+/=]+)"/g)) {
        const decoded = Buffer.from(basic[1] ?? "", "base64").toString("utf8")
        assert.match(decoded, /^fake-client:(fake-secret|wrong-secret)$/, `${file}: ${decoded}`)
      }
      for (const bearer of text.matchAll(/Bearer ([\w.-]+)/g)) {
        const payload = JSON.parse(Buffer.from((bearer[1] ?? "").split(".")[1] ?? "", "base64url").toString("utf8"))
        assert.strictEqual(payload.iss, "fake-teo", `${file}: only the example token`)
      }
    }
  })
})
