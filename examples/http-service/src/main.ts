/**
 * The service, with its layers composed in one place: téo from the TEO_*
 * environment, served on PORT (default 3000) by Node's http module.
 *
 *   node src/main.ts
 */
import { createServer } from "node:http"
import { NodeHttpClient } from "@effect/platform-node"
import { type Dossiers, Teo } from "@teo-effect/api"
import { Layer } from "effect"
import { HttpRouter } from "effect/http"
import { Routes } from "./Routes.ts"

/** téo from the TEO_* environment, over undici. */
const TeoLive = Teo.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici))

/** The app as a web handler (`Request` → `Response`): the same in tests and behind any server. */
export const makeApp = (teo: Layer.Layer<Dossiers, unknown>) =>
  HttpRouter.toWebHandler(Routes.pipe(Layer.provide(teo)), { disableLogger: true })

if (import.meta.url === `file://${process.argv[1]}`) {
  const { handler } = makeApp(TeoLive)
  const port = Number(process.env.PORT ?? 3000)
  createServer(async (req, res) => {
    const chunks: Array<Buffer> = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = chunks.length === 0 ? undefined : Buffer.concat(chunks)
    const response = await handler(
      new Request(`http://localhost${req.url ?? "/"}`, {
        method: req.method ?? "GET",
        headers: Object.entries(req.headers).flatMap(([name, value]) =>
          value === undefined ? [] : [[name, Array.isArray(value) ? value.join(", ") : value] as [string, string]]
        ),
        ...(body === undefined ? {} : { body })
      })
    )
    res.writeHead(response.status, Object.fromEntries(response.headers))
    res.end(Buffer.from(await response.arrayBuffer()))
  }).listen(port, () => console.error(`listening on http://localhost:${port}`))
}
