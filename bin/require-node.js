// Plain JavaScript that any Node can run: it stops a Node older than the one the sources need with
// one line saying so and how to fix it, before anything else fails with a stack trace.
import { fileURLToPath } from "node:url"

const minimum = [22, 19]
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number)
if (major < minimum[0] || (major === minimum[0] && minor < minimum[1])) {
  const script = fileURLToPath(new URL("../scripts/node-env.sh", import.meta.url))
  console.error(
    `tg-gateway needs Node.js ${minimum.join(".")} or newer, but ${process.execPath} is ${process.version}: run 'source ${script}' in this shell (it puts Node 24 first on PATH), then try again.`
  )
  process.exit(1)
}
