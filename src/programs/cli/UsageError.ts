/**
 * A command line that cannot be run as given: a value that is wrong, a file that is not there, a
 * missing input. Said with the command it is about and where to look, exit 2.
 */
import { Schema } from "effect"
import { CliError } from "effect/cli"

export class UsageError extends Schema.TaggedError<UsageError>()("UsageError", {
  /** The subcommand (`import`), or absent for `tg-gateway` itself. */
  command: Schema.optionalKey(Schema.String),
  /** What is wrong, already in the user's language. */
  message: Schema.String
}) {
  /** effect/cli renders a handler's failure that carries this through the installed formatter. */
  override get [CliError.userMessage](): string {
    return this.message
  }
}
