/**
 * Registries that fail, on loopback, for the release scripts' tests
 * (publish.test.ts, local-registry.test.ts): one that refuses connections,
 * one that accepts them and never answers.
 */
import { createServer, type Server } from "node:net"

const listen = () =>
  new Promise<{ readonly url: string; readonly server: Server }>((resolve) => {
    const server = createServer(() => {
      // Accepted, never answered: what a frozen registry does.
    })
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      resolve({
        server,
        url: `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}/`
      })
    })
  })

/** The URL of a free loopback port, where nothing listens: connections are refused. */
export const refusingUrl = async (): Promise<string> => {
  const { url, server } = await listen()
  await new Promise((resolve) => server.close(resolve))
  return url
}

/** A server that accepts connections and never answers; close it after the test. */
export const frozenServer = listen
