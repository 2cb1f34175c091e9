/** The address of a gateway route, from the options the import and export commands share. */

export interface GatewayTarget {
  /** Base URL, e.g. ws://127.0.0.1:8888 (http:// and https:// are accepted too). */
  readonly url: string
  readonly flow: string
  readonly kind: string
  readonly workspace: string | undefined
  readonly token: string | undefined
}

export const routeUrl = (
  target: GatewayTarget,
  direction: "import" | "export",
  query: Readonly<Record<string, string | undefined>>
): string => {
  const base = target.url.replace(/^http/, "ws").replace(/\/+$/, "")
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
