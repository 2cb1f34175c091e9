import { defineConfig } from "vitest/config"

/**
 * The run against a secured Pulsar broker (token authentication and authorization, TLS with
 * client certificates, the WebSocket API behind a Pulsar WebSocket proxy): what only a secured
 * broker can show (refused credentials, rotated tokens, certificate checks, OAuth2 access tokens
 * the broker validates), and the broker
 * contract and the gateway end to end again with the gateway's own role, against Pulsar only
 * (test/support/brokers.ts). The open broker's run (vitest.config.ts) is unchanged.
 */
export default defineConfig({
  test: {
    include: [
      "test/broker/pulsarSecurity.test.ts",
      "test/broker/pulsarOAuth2.test.ts",
      "test/broker/contract.test.ts",
      "test/e2e/gateway.test.ts"
    ],
    globalSetup: ["test/support/pulsarSecureGlobalSetup.ts"],
    reporters: ["verbose"],
    testTimeout: 60_000,
    hookTimeout: 240_000
  }
})
