/**
 * English messages of the command line: the reference catalog. Every other catalog has the same
 * keys with the same {placeholders}; a key missing from one falls back to this text.
 */
export const en = {
  "cli.usage": "Usage: tg-gateway <command> [options]",
  "cli.commands": "Commands:",
  "cli.command.serve": "run the gateway (WebSocket import/export ⇄ broker)",
  "cli.command.import": "import a file (N-Triples, Turtle or JSON Lines frames) through an import socket",
  "cli.command.export": "export from an export socket to a file (JSON Lines frames or N-Triples)",
  "cli.options": "Options:",
  "cli.option.help": "show this help",
  "cli.option.version": "show the version",
  "cli.option.lang": "language of messages (en, es, sw, pt, tr, hi, he, ar, zh, ru); default from LC_ALL / LANG",
  "cli.seeHelp": "Run 'tg-gateway {command} --help' for its options.",
  "cli.unknownCommand": 'unknown command "{command}"',
  "cli.unknownFlag": "unknown option --{flag} for '{command}'",
  "cli.missingValue": "option --{flag} needs a value",
  "cli.unknownLanguage": 'unknown language "{lang}"; using English',
  "cli.default": "default: {value}",
  "cli.unset": "unset",
  "cli.env": "env {name}",
  "config.invalid": "configuration error in {source}: {problem}",
  "config.fix": "Fix the setting above and start again; 'tg-gateway serve --help' lists every setting.",
  "serve.title":
    "Run the gateway. Every option can also be set with the environment variable shown; an option on the command line wins.",
  "serve.forced": "shutdown forced: {what}",
  "serve.stopped": "stopped: every connection drained",
  "setting.GATEWAY_PORT": "port for the WebSocket routes, /metrics, /healthz and /readyz",
  "setting.GATEWAY_HOST": "address to listen on",
  "setting.GATEWAY_SECRET": "when set, clients must send ?token= with this value (else HTTP 401)",
  "setting.BROKER": "message broker: the embedded in-memory broker, or Apache Pulsar",
  "setting.PULSAR_HTTP_URL": "Pulsar web port (WebSocket API and admin API), with BROKER=pulsar",
  "setting.FLOWS": "comma-separated names of the flows to serve (default is always served)",
  "setting.FLOWS_FILE": "JSON file of flows and per-flow topic overrides",
  "setting.TOPIC_TEMPLATE": "topic of a flow's interface",
  "setting.MAX_FRAME_SIZE": "largest frame a client may send; larger closes the socket with 1009",
  "setting.PUBLISHER_MAX_QUEUE_SIZE": "frames queued per import connection before the socket stops being read",
  "setting.PUBLISHER_MAX_IN_FLIGHT": "sends per import connection awaiting the broker's confirmation",
  "setting.PUBLISHER_DRAIN_TIMEOUT": "on close, time to send what is queued",
  "setting.PUBLISHER_FLUSH_TIMEOUT": "on close, time to wait for the broker's confirmations",
  "setting.SUBSCRIBER_MAX_QUEUE_SIZE": "messages queued per export connection",
  "setting.SUBSCRIBER_DRAIN_TIMEOUT": "on shutdown, time to deliver what is queued",
  "setting.SUBSCRIBER_NACK_DELAY": "delay before a message given back to the broker is redelivered",
  "setting.BACKPRESSURE_STRATEGY": "what a full export queue does: wait, drop the oldest, or refuse the new",
  "setting.SHUTDOWN_GRACE_PERIOD": "extra time beyond the drain timeouts before open connections are cut",
  "setting.MAX_CONSECUTIVE_ERRORS": "failed writes in a row that end an export",
  "setting.LOG_QUEUE_STATS": "log queue statistics when connections shut down",
  "setting.METRICS_ENABLED": "serve Prometheus metrics at /metrics"
} as const

export type MessageKey = keyof typeof en
