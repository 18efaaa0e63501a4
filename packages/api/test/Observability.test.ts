/**
 * A span per call, with low-cardinality attributes; the token in none of them.
 */
import { assert, describe, it } from "@effect/vitest"
import { JsonLdResource } from "@teo-effect/api"
import { capture, capturedText, runUntilDone } from "@teo-effect/test-support"
import { Effect, Exit } from "effect"
import { dossier, ldJson, makeApiHarness, uuid } from "./utils/harness.js"

describe("spans", () => {
  it.effect("teo.api.<operation> with method, path template, status and retries; no token", () =>
    Effect.gen(function* () {
      const [, captured] = yield* capture(
        Effect.gen(function* () {
          const harness = yield* makeApiHarness()
          harness.api = (_request, index) => (index === 0 ? ldJson(503, {}) : ldJson(200, dossier(1)))
          const fiber = yield* Effect.forkChild(harness.teoApi.get(`/production/dossiers/${uuid(1)}`, JsonLdResource))
          assert.isTrue(Exit.isSuccess(yield* runUntilDone(fiber)))
        })
      )
      const [span] = captured.spans.filter((span) => span.name === "teo.api.get")
      assert.isDefined(span)
      assert.strictEqual(span?.attributes.get("http.request.method"), "GET")
      assert.strictEqual(span?.attributes.get("teo.api.path_template"), "/production/dossiers/{id}")
      assert.strictEqual(span?.attributes.get("http.response.status_code"), 200)
      assert.strictEqual(span?.attributes.get("teo.api.retries"), 1)
      const text = capturedText(captured)
      assert.notInclude(text, "token-1")
      assert.notInclude(text, "token-2")
      assert.notInclude(text, "s3cret-CANARY-api-1c9d")
    })
  )
})
