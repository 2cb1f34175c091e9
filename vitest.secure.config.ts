import { defineConfig } from "vitest/config"

/**
 * The run against a secured Pulsar broker (token authentication and authorization, TLS with
 * client certificates): what only a secured broker can show (refused credentials, rotated tokens,
 * certificate checks). The open broker's run (vitest.config.ts) is unchanged. The contract suite
 * and the gateway end to end are ready to run here too (test/support/brokers.ts gives them the
 * secured broker) but are not listed yet: the test broker's WebSocket service cannot open
 * producers and consumers (see docs/design.md, "Broker authentication and TLS").
 */
export default defineConfig({
  test: {
    include: ["test/broker/pulsarSecurity.test.ts"],
    globalSetup: ["test/support/pulsarSecureGlobalSetup.ts"],
    reporters: ["verbose"],
    testTimeout: 60_000,
    hookTimeout: 240_000
  }
})
