/**
 * The package's entry point: `import { TgGateway } from "tg-gateway"`. See `src/TgGateway.ts`.
 */
export * as TgGateway from "./TgGateway.ts"
