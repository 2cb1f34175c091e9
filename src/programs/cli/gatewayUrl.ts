/** The address of a gateway route, from the options the import and export commands share. */

export interface GatewayTarget {
  /**
   * Base URLs of the gateway instances to use, e.g. ws://127.0.0.1:8888 (http:// and https:// are
   * accepted too): the first, and the next one each time a connection fails or drops.
   */
  readonly urls: ReadonlyArray<string>
  readonly flow: string
  readonly kind: string
  readonly workspace: string | undefined
  readonly token: string | undefined
}

/**
 * Why `url` cannot be a gateway's base address, or undefined when it can: ws://, wss://, and the
 * http:// or https:// form trustgraph-cli's `--api-url` takes.
 */
export const checkGatewayUrl = (url: string): string | undefined => {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return "not a URL"
  }
  if (!["ws:", "wss:", "http:", "https:"].includes(parsed.protocol)) return `scheme ${parsed.protocol}`
  if (parsed.hostname === "") return "no host"
  return undefined
}

/** `--url a,b`: the base URLs of a comma-separated list, blanks dropped. */
export const gatewayUrlsOf = (text: string): ReadonlyArray<string> =>
  text
    .split(",")
    .map((url) => url.trim())
    .filter((url) => url !== "")

/** The route's URL on instance `attempt` (counted from 0, round the list of URLs). */
export const routeUrl = (
  target: GatewayTarget,
  direction: "import" | "export",
  query: Readonly<Record<string, string | undefined>>,
  attempt = 0
): string => {
  const base = target.urls[attempt % target.urls.length]!.replace(/^http/, "ws").replace(/\/+$/, "")
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries({ ...query, workspace: target.workspace, token: target.token })) {
    if (value !== undefined) params.set(key, value)
  }
  const search = params.toString()
  const path = `/api/v1/flow/${encodeURIComponent(target.flow)}/${direction}/${encodeURIComponent(target.kind)}`
  return `${base}${path}${search === "" ? "" : `?${search}`}`
}

/** The URL with any token hidden, for messages. */
export const shown = (url: string): string => url.replace(/([?&]token=)[^&]*/, "$1***")
