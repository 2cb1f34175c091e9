/**
 * The binary-protocol adapter as a broker under test, on the real broker the tests use: its
 * binary port (PULSAR_URL, else the port scripts/pulsar.sh gives it, on the admin API's host; the
 * secured broker's from its secure.env) for producers and consumers, its admin API for
 * readiness, deduplication and counting.
 */
import { Effect } from "effect"
import { inject } from "vitest"
import { makePulsarBinaryBroker } from "../../src/layers/broker/binary/PulsarBinaryBroker.ts"
import type { BrokerUnderTest } from "./brokers.ts"
import { storedOnTopic } from "./pulsarAdmin.ts"
import { testPulsarPingInterval } from "./pulsarScript.ts"
import { pulsarSecurity, securedBrokerOptions } from "./pulsarSecurity.ts"

/** `pulsar://host:port` of the broker whose admin API is at `httpUrl`. */
export const pulsarServiceUrl = (httpUrl: string = inject("pulsarHttpUrl")): string =>
  process.env["PULSAR_URL"] ?? `pulsar://${new URL(httpUrl).hostname}:${process.env["PULSAR_BROKER_PORT"] ?? "6650"}`

/**
 * In the secured broker's run, its binary port over TLS with the CA and client certificate
 * (secure.env's TG_PULSAR_BINARY_TLS_URL; its plain binary port, TG_PULSAR_BINARY_URL, where a
 * secure.env written before does not name it) and the gateway's token, and its admin API with the
 * same files, as the WebSocket adapter reaches it.
 */
export const pulsarBinaryBroker = (): BrokerUnderTest => {
  const httpUrl = inject("pulsarHttpUrl")
  const security = pulsarSecurity()
  const serviceUrl = security?.tlsServiceUrl ?? security?.serviceUrl ?? pulsarServiceUrl(httpUrl)
  return {
    name: "pulsar-binary",
    make: Effect.sync(() => ({
      ...makePulsarBinaryBroker({
        serviceUrl,
        httpUrl,
        pingInterval: testPulsarPingInterval,
        ...securedBrokerOptions()
      }),
      countOnTopic: (topic: string) => Effect.promise(() => storedOnTopic(httpUrl, topic, security))
    })),
    // Port 9 (discard) is closed on test machines: the connection is refused at once.
    unreachable: Effect.sync(() =>
      makePulsarBinaryBroker({
        serviceUrl: "pulsar://127.0.0.1:9",
        httpUrl: "http://127.0.0.1:9",
        connectTimeout: "5 seconds"
      })
    )
  }
}
