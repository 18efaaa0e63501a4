/**
 * The verdaccio process of local-registry.ts: `node local-registry-server.ts
 * <config.yaml>` listens on a free loopback port and prints one line,
 * `listening http://127.0.0.1:<port>/`. It exits when its standard input
 * closes, so it never outlives the script that started it, even one killed
 * with SIGKILL.
 */
import type { AddressInfo } from "node:net"
import { runServer } from "verdaccio"

const config = process.argv[2]
if (config === undefined) {
  console.error("usage: node scripts/local-registry-server.ts <config.yaml>")
  process.exit(2)
}
const server = await runServer(config)
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo
  process.stdout.write(`listening http://127.0.0.1:${port}/\n`)
})
process.stdin.resume()
process.stdin.once("close", () => process.exit(0))
process.stdin.once("end", () => process.exit(0))
