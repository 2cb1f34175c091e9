import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/pulsarGlobalSetup.ts"],
    reporters: ["verbose"],
    testTimeout: 60_000,
    hookTimeout: 240_000
  }
})
