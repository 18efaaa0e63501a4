/**
 * The OpenAPI document FakeTeo serves at `/api/docs.jsonopenapi` (and
 * `/api/docs`), where API Platform serves an API's document: the one this
 * project writes of téo's two known resources, `openapi/teo.openapi.json` in
 * the package. Read once, on the first request.
 *
 * @internal
 */
import { readFileSync } from "node:fs"
import { Effect } from "effect"
import type { Answer } from "./Answers.js"
import type { Handler } from "./Fake.js"

let text: string | undefined

/** `openapi/teo.openapi.json`, from `src/internal/` or `dist/internal/`. */
const read = (): string => {
  text ??= readFileSync(new URL("../../openapi/teo.openapi.json", import.meta.url), "utf8")
  return text
}

export const openApiDocument: Handler = () =>
  Effect.sync(
    (): Answer => ({
      status: 200,
      headers: { "content-type": "application/vnd.openapi+json; charset=utf-8" },
      raw: read()
    })
  )
