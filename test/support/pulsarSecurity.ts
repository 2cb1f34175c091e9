/**
 * The secured test broker (scripts/pulsar.sh start-secure): where its throwaway CA, client
 * certificate and tokens are, as its `secure.env` names them, and the broker options that reach
 * it as the role the gateway runs as.
 */
import { readFileSync } from "node:fs"
import { inject } from "vitest"
import type { PulsarBrokerConfig } from "../../src/layers/broker/PulsarBroker.ts"

export interface PulsarSecurityFiles {
  /** The WebSocket proxy in front of the broker (PULSAR_HTTP_URL). */
  readonly httpUrl: string
  /** The broker's admin API (PULSAR_ADMIN_URL). */
  readonly adminUrl: string
  /** The broker's binary port (TG_PULSAR_BINARY_URL); absent from a secure.env written before it was named there. */
  readonly serviceUrl: string | undefined
  /** Its binary port over TLS, client certificate required (TG_PULSAR_BINARY_TLS_URL); absent likewise. */
  readonly tlsServiceUrl: string | undefined
  /** The gateway's role, allowed to produce and consume on tg/flow. */
  readonly tokenFile: string
  readonly caFile: string
  readonly certFile: string
  readonly keyFile: string
  /** The super-user, for the tests' own admin requests. */
  readonly adminTokenFile: string
  /** A valid token whose role has no permission anywhere. */
  readonly ungrantedTokenFile: string
}

/** Reads `secure.env` from a secured broker's state dir. */
export const readSecureEnv = (state: string): PulsarSecurityFiles => {
  const values = new Map(
    readFileSync(`${state}/secure.env`, "utf8")
      .split("\n")
      .filter((line) => line.includes("="))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)] as const)
  )
  const get = (key: string) => {
    const value = values.get(key)
    if (value === undefined) throw new Error(`${state}/secure.env does not name ${key}`)
    return value
  }
  return {
    httpUrl: get("PULSAR_HTTP_URL"),
    adminUrl: get("PULSAR_ADMIN_URL"),
    serviceUrl: values.get("TG_PULSAR_BINARY_URL"),
    tlsServiceUrl: values.get("TG_PULSAR_BINARY_TLS_URL"),
    tokenFile: get("PULSAR_AUTH_TOKEN_FILE"),
    caFile: get("PULSAR_TLS_CA_FILE"),
    certFile: get("PULSAR_TLS_CERT_FILE"),
    keyFile: get("PULSAR_TLS_KEY_FILE"),
    adminTokenFile: get("TG_PULSAR_ADMIN_TOKEN_FILE"),
    ungrantedTokenFile: get("TG_PULSAR_UNGRANTED_TOKEN_FILE")
  }
}

/** The secured broker's files in a run against it (TG_PULSAR_SECURE=1), else null. */
export const pulsarSecurity = (): PulsarSecurityFiles | null => inject("pulsarSecurity")

/**
 * What a Pulsar adapter needs to reach the broker the tests use: nothing for the open broker;
 * for the secured one its WebSocket proxy and admin URLs, its token file, CA and client
 * certificate, and the message size limit,
 * which the gateway's role may not read from the broker (only super-users may) and which is set
 * as an operator sets PULSAR_MAX_MESSAGE_SIZE: Pulsar's default maxMessageSize less the room
 * kept for metadata, what the open broker's configuration gives.
 */
export const securedBrokerOptions = (): Partial<
  Pick<PulsarBrokerConfig, "httpUrl" | "adminUrl" | "auth" | "tls" | "maxMessageSize">
> => {
  const files = pulsarSecurity()
  if (files === null) return {}
  return {
    httpUrl: files.httpUrl,
    adminUrl: files.adminUrl,
    auth: { tokenFile: files.tokenFile },
    tls: { caFile: files.caFile, certFile: files.certFile, keyFile: files.keyFile },
    maxMessageSize: 5 * 1024 * 1024 - 4096
  }
}
