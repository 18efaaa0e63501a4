/**
 * The verdaccio process of local-registry.ts: `node local-registry-server.ts
 * <config.yaml> [port]` listens on that loopback port (by default a free one)
 * and prints one line, `listening http://127.0.0.1:<port>/`, or, when it
 * cannot (the port taken), `cannot listen: <why>` and exits 3. It exits when its standard input
 * closes, so it never outlives the script that started it, even one killed
 * with SIGKILL.
 */
import type { AddressInfo } from "node:net"
import { runServer } from "verdaccio"

const config = process.argv[2]
if (config === undefined) {
  console.error("usage: node scripts/local-registry-server.ts <config.yaml> [port]")
  process.exit(2)
}
const port = Number(process.argv[3] ?? "0")
const server = await runServer(config)
server.once("error", (error: NodeJS.ErrnoException) => {
  const reason =
    error.code === "EADDRINUSE"
      ? `port ${port} on 127.0.0.1 is in use`
      : `cannot listen on 127.0.0.1:${port}: ${error.message}`
  process.stdout.write(`cannot listen: ${reason}\n`, () => process.exit(3))
})
server.listen(port, "127.0.0.1", () => {
  process.stdout.write(`listening http://127.0.0.1:${(server.address() as AddressInfo).port}/\n`)
})
process.stdin.resume()
process.stdin.once("close", () => process.exit(0))
process.stdin.once("end", () => process.exit(0))
