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
  "cli.option.lang":
    "language of messages (en, es, sw, pt, tr, hi, he, ar, zh, ru); default from LANGUAGE, LC_ALL, LC_MESSAGES or LANG",
  "cli.seeHelp": "Run 'tg-gateway {command} --help' for its options.",
  "cli.unknownCommand": 'unknown command "{command}"',
  "cli.unknownFlag": "unknown option {flag} for '{command}'",
  "cli.missingValue": "option --{flag} needs a value",
  "cli.repeatedFlag": "option --{flag} is given more than once",
  "cli.badValue": 'option --{flag} does not take the value "{value}"',
  "cli.didYouMean": "did you mean {names}?",
  "cli.badUrl":
    '"{url}" is not a gateway address: give ws://HOST:PORT, or http://HOST:PORT as trustgraph-cli\'s --api-url takes it',
  "cli.notRunning":
    "nothing is listening at {address} (connection refused for {url}): is 'tg-gateway serve' running there?",
  "cli.unknownLanguage": 'unknown language "{lang}"; using English',
  "cli.default": "default: {value}",
  "cli.unset": "unset",
  "cli.env": "env {name}",
  "cli.stdout": "standard output",
  "problem.notDuration": '"{text}" is not a duration (examples: 5, 2.5s, 500ms, 1m)',
  "problem.notInteger": '"{text}" is not a whole number between {min} and {max}',
  "problem.notBytes": '"{text}" is not a size in bytes (examples: 1048576, 64KiB, 50MiB)',
  "problem.notBoolean": '"{text}" is not true or false',
  "problem.notChoice": '"{text}" is not one of {choices}',
  "problem.notHttpUrl": '"{text}" is not an http:// or https:// URL',
  "problem.notPulsarUrl": '"{text}" is not a pulsar:// or pulsar+ssl:// URL (example: pulsar://127.0.0.1:6650)',
  "problem.notUrl": '"{text}" is not a URL',
  "problem.topicTemplate": '"{text}" must contain {interface} (and usually {workspace} and {flow})',
  "problem.flowName": "flow name \"{name}\" may only use letters, digits, '.', '_' and '-'",
  "problem.notPositive": '"{text}" is not a positive whole number',
  "problem.badProducerName":
    "\"{text}\" is not auto, none or a producer name (1 to 128 letters, digits, '.', '_' or '-')",
  "config.invalid": "configuration error in {source}: {problem}",
  "config.fix": "Fix the setting above and start again; 'tg-gateway serve --help' lists every setting.",
  "serve.usage": "Usage: tg-gateway serve [options]",
  "serve.noArguments": "serve takes no arguments (extra: {extra}); settings are options, such as --broker pulsar",
  "serve.title":
    "Run the gateway. Every option can also be set with the environment variable shown; an option on the command line wins.",
  "serve.forced": "shutdown forced: {what}",
  "serve.stopped": "stopped: every connection drained",
  "import.usage": "Usage: tg-gateway import [options] <file>... | -",
  "import.title":
    "Import N-Triples (.nt), Turtle (.ttl) or JSON Lines of ready frames (.jsonl) through an import socket. Every frame is acknowledged by the gateway; after a dropped connection the frames not acknowledged are sent again.",
  "import.exitCodes":
    "Exit codes: 0 everything landed; 1 some frames did not land; 2 usage error; 3 the input could not be parsed (the summary says what landed); 130 interrupted.",
  "import.noInput": "no input: give a file, or - for standard input",
  "import.noSuchFile": "no such file: {input}",
  "import.cannotRead": "cannot read {input}: {reason}",
  "import.notAFile": "{input} is not a file",
  "import.stdinAlone": "standard input (-) cannot be combined with files",
  "import.unknownFormat": "cannot tell the format of {input}: use --format nt, ttl or jsonl",
  "import.rdfOnlyTriples": "N-Triples and Turtle become triples frames; --kind {kind} needs --format jsonl",
  "import.cannotConnect": "cannot connect to {url}: {reason}",
  "import.dropped": "connection dropped ({code} {reason})",
  "import.reconnectingTo": "reconnecting to {url} (attempt {attempt} of {of})",
  "import.resuming": "frame {frame} was not stored: resuming from it on a new connection",
  "import.atLeastOnce":
    "deduplication is off on this flow's namespace: a frame resent after a lost connection may be stored twice; turn it on (PULSAR_ENABLE_DEDUPLICATION=true on the gateway) for exactly once, or give --producer none",
  "import.duplicates":
    "{duplicates, plural, one {# frame was} other {# frames were}} on the topic already (producer {producer}) and not stored again",
  "import.interruptedResumable":
    "interrupted: {unacked, plural, one {# frame} other {# frames}} sent but not acknowledged, and the rest of the input not sent; run the same command again to finish: what landed is recognised (producer {producer}) and not stored twice",
  "import.reconnecting": "reconnecting (attempt {attempt} of {of})",
  "import.reconnected":
    "reconnected; sending again {unacked, plural, one {the # frame} other {the # frames}} not acknowledged",
  "import.gaveUp": "gave up after {attempts, plural, one {# reconnection attempt} other {# reconnection attempts}}",
  "import.refused": "frame {frame} ({origin}) refused by the gateway: {message}",
  "import.stillRefused":
    "frame {frame} ({origin}) still not taken after {attempts, plural, one {# attempt} other {# attempts}}: {message}",
  "import.tooBig":
    "frame {frame} ({origin}, {bytes} bytes) is larger than the gateway accepts (it closed the connection with 1009): send smaller frames (a smaller --batch, or shorter JSON lines), or raise the gateway's MAX_FRAME_SIZE",
  "import.originLine": "{file} line {line}",
  "import.originTriples": "{file}, triples {first}–{last}",
  "import.summary":
    "{acked} of {frames, plural, one {# frame} other {# frames}} acknowledged ({items, plural, one {# item} other {# items}}) to flow {flow} ({kind}) in {seconds} s",
  "import.parseError": "{where}: parse error: {problem}",
  "import.parseLanded": "everything before line {line} landed; nothing from that line on was sent",
  "import.parseStopped": "nothing from line {line} on was sent",
  "import.interrupted":
    "interrupted: {unacked, plural, one {# frame} other {# frames}} sent but not acknowledged, and the rest of the input not sent; run the same command again to import it all (what landed is sent again)",
  "import.notLanded":
    "not everything landed: {unacked, plural, one {# frame} other {# frames}} unacknowledged, {refused} refused",
  "import.allLanded": "everything landed",
  "export.usage": "Usage: tg-gateway export [options]",
  "export.title":
    "Export from an export socket as JSON Lines of frames, or as N-Triples for triples. Stops after --count frames, after --idle without a frame, or on Ctrl-C, with everything received written.",
  "export.exitCodes":
    "Exit codes: 0 stopped as asked or by the gateway's shutdown; 1 connection refused or lost; 2 usage error.",
  "export.noPositionals": "export takes no file argument (use --output): {extra}",
  "export.outputExists": "{output} already exists: add --force to overwrite it, or give --subscription to add to it",
  "export.cannotWrite": "cannot write to {output}: {reason}",
  "export.ntOnlyTriples": "N-Triples output is for triples; use --format jsonl for {kind}",
  "export.cannotConnect": "cannot connect to {url}: {reason}",
  "export.refused": "{url} refused the connection with HTTP {status}: {body}",
  "export.closed": "the gateway closed the connection ({code} {reason})",
  "export.gatewayError": "the gateway reported: {message}",
  "export.stoppedByUser": "stopped (Ctrl-C)",
  "export.resume":
    "run the same command again to go on where this one stopped: subscription {subscription} keeps the place",
  "export.resumeHint": "to go on later where an export stopped, give it --subscription NAME",
  "export.idle": "stopped: no frame for {seconds} s",
  "export.countReached": "stopped after {count, plural, one {# frame} other {# frames}}",
  "export.reconnected": "reconnected; subscription {subscription} goes on where the lost connection stopped",
  "export.noReconnect":
    "without --subscription an export does not reconnect: a new connection would miss what came meanwhile; give it --subscription NAME to have it reconnect and go on where it stopped",
  "export.summary":
    "wrote {frames, plural, one {# frame} other {# frames}} ({items, plural, one {# item} other {# items}}) to {output} as {format}",
  "option.url": "gateway address; several, comma-separated, are used in turn when one fails",
  "option.flow": "flow name",
  "option.kind": "kind: triples, graph-embeddings, document-embeddings, entity-contexts or rows",
  "option.exportKind": "kind: triples, graph-embeddings, document-embeddings or entity-contexts",
  "option.workspace": "workspace",
  "option.token": "token, when the gateway has GATEWAY_SECRET or GATEWAY_TOKENS_FILE set",
  "option.inputFormat": "input format; by default from the file's extension",
  "option.batch": "triples per frame",
  "option.collection": "collection named in each frame's metadata",
  "option.documentId": "document id in each frame's metadata; default: the file's name",
  "option.window": "frames sent and not yet acknowledged, at most",
  "option.retries":
    "reconnection attempts after a dropped connection, and resends of a frame the broker could not take just then; 0 for none",
  "option.exportRetries":
    "with --subscription, reconnection attempts after a lost connection, each to the next --url; 0 for none (without --subscription a lost connection ends the export)",
  "option.producer":
    "name the broker deduplicates the frames under, so that a frame sent twice is stored once: auto (from the input, flow and kind), a name, or none",
  "option.output": "output file, or - for standard output",
  "option.force": "overwrite an existing --output file (with --subscription and no --force, it is added to)",
  "option.outputFormat": "output format; by default nt for a .nt file, else jsonl",
  "option.subscription": "durable subscription name: a later export with the same name resumes where this one stopped",
  "option.from": "where a new subscription starts: now (latest) or at the topic's first message (earliest)",
  "option.count": "stop after this many frames",
  "option.idle": "stop after this long without a frame (e.g. 5s)",
  "progress.import": "frames {acked}/{sent} acknowledged · {triples, plural, one {# item} other {# items}}",
  "progress.export":
    "{frames, plural, one {# frame} other {# frames}} · {triples, plural, one {# item} other {# items}}",
  "progress.rate": "{rate} items/s",
  "progress.eta": "about {seconds} s left",
  "setting.GATEWAY_PORT": "port for the WebSocket routes, /metrics, /healthz and /readyz",
  "setting.GATEWAY_HOST": "address to listen on",
  "setting.GATEWAY_SECRET": "when set, clients must send ?token= with this value (else HTTP 401)",
  "setting.GATEWAY_TOKENS_FILE":
    "JSON file of tokens, each with the workspaces, flows, kinds and directions it may use; re-read when it changes (unknown token: HTTP 401; outside its grant: 403)",
  "setting.GATEWAY_TLS_CERT_FILE":
    "PEM certificate (with its chain) to serve HTTPS and WSS on the gateway's port, with GATEWAY_TLS_KEY_FILE; re-read when it changes",
  "setting.GATEWAY_TLS_KEY_FILE": "PEM private key of GATEWAY_TLS_CERT_FILE; re-read when it changes",
  "setting.BROKER": "message broker: the embedded in-memory broker, or Apache Pulsar",
  "setting.PULSAR_HTTP_URL": "Pulsar web port (WebSocket API and admin API), with BROKER=pulsar",
  "setting.PULSAR_ADMIN_URL":
    "Pulsar admin API, when it is not at PULSAR_HTTP_URL (a WebSocket proxy apart from the brokers); default PULSAR_HTTP_URL",
  "setting.PULSAR_TRANSPORT":
    "how producers and consumers reach Pulsar: binary (its own protocol on PULSAR_URL's binary port, the fastest) or websocket (its WebSocket API on PULSAR_HTTP_URL, for deployments that can reach only the web port, such as behind a Pulsar WebSocket proxy)",
  "setting.PULSAR_URL":
    "Pulsar binary port (pulsar://host:6650, or pulsar+ssl:// over TLS) for PULSAR_TRANSPORT=binary; unset: the admin API's host on port 6650 (pulsar+ssl:// on 6651 when the admin API is https); PULSAR_HTTP_URL stays the admin API",
  "setting.PULSAR_COMPRESSION":
    "how producers compress each record before it reaches Pulsar: none, zstd or zlib; the broker stores and delivers it compressed, and every Pulsar client (TrustGraph's processors included) decompresses it; costs the gateway CPU per record and saves the broker most of its",
  "setting.PULSAR_PING_INTERVAL":
    "how often each Pulsar session is pinged so that the broker does not close it as idle (keep it below the broker's webSocketSessionIdleTimeoutMillis); 0 or off: never",
  "setting.PULSAR_MAX_MESSAGE_SIZE":
    "largest record sent to Pulsar, in bytes; auto: learned from the broker (maxMessageSize, webSocketMaxTextFrameSize); a frame whose record is larger is refused, not retried",
  "setting.PULSAR_AUTH_TOKEN": "token sent to Pulsar as 'Authorization: Bearer' on every socket and admin request",
  "setting.PULSAR_AUTH_TOKEN_FILE":
    "file holding the Pulsar token, read again for every new broker connection (rotated secrets)",
  "setting.PULSAR_AUTH_OAUTH2_ISSUER_URL":
    "OAuth2 issuer: the gateway gets a Pulsar access token from it with the client-credentials grant and renews it before it expires",
  "setting.PULSAR_AUTH_OAUTH2_AUDIENCE": "audience asked for with the OAuth2 access token",
  "setting.PULSAR_AUTH_OAUTH2_CREDENTIALS_FILE": "JSON file with the OAuth2 client_id and client_secret",
  "setting.PULSAR_TLS_CA_FILE": "PEM certificates trusted for an https:// broker instead of the system's",
  "setting.PULSAR_TLS_CERT_FILE": "PEM client certificate for a broker that requires one, with PULSAR_TLS_KEY_FILE",
  "setting.PULSAR_TLS_KEY_FILE": "PEM private key of PULSAR_TLS_CERT_FILE",
  "setting.PULSAR_ENABLE_DEDUPLICATION":
    "turn deduplication on for a Pulsar namespace the flows import into where it is off, so that ?producer= (deduplicated imports) is served there instead of refused with 409",
  "setting.PULSAR_TLS_INSECURE":
    "accept any broker certificate and host name: for tests only, warned about at start-up",
  "setting.FLOWS": "comma-separated names of the flows to serve (default is always served)",
  "setting.FLOWS_FILE": "JSON file of flows and per-flow topic overrides",
  "setting.TOPIC_TEMPLATE": "topic of a flow's interface",
  "setting.MAX_FRAME_SIZE": "largest frame a client may send; larger closes the socket with 1009",
  "setting.WS_PING_INTERVAL":
    "how often clients are pinged so that proxies do not close idle sockets; a client that does not answer stays connected; 0 or off: never",
  "setting.WS_READ_BUFFER_SIZE":
    "bytes of frames received on a connection and not yet handled before its socket stops being read",
  "setting.PUBLISHER_MAX_QUEUE_SIZE": "frames queued per import connection before the socket stops being read",
  "setting.PUBLISHER_MAX_IN_FLIGHT": "sends per import connection awaiting the broker's confirmation",
  "setting.PUBLISHER_MAX_QUEUE_BYTES": "bytes queued per import connection before the socket stops being read",
  "setting.PUBLISHER_MAX_IN_FLIGHT_BYTES": "bytes per import connection sent and awaiting the broker's confirmation",
  "setting.PUBLISHER_DRAIN_TIMEOUT": "on close, time to send what is queued",
  "setting.PUBLISHER_FLUSH_TIMEOUT": "on close, time to wait for the broker's confirmations",
  "setting.SUBSCRIBER_MAX_QUEUE_SIZE": "messages queued per export connection",
  "setting.SUBSCRIBER_PREFETCH": "messages the broker may push to an export connection ahead of its queue",
  "setting.SUBSCRIBER_DRAIN_TIMEOUT": "on shutdown, time to deliver what is queued",
  "setting.SUBSCRIBER_NACK_DELAY": "delay before a message given back to the broker is redelivered",
  "setting.BACKPRESSURE_STRATEGY": "what a full export queue does: wait, drop the oldest, or refuse the new",
  "setting.SHUTDOWN_GRACE_PERIOD": "extra time beyond the drain timeouts before open connections are cut",
  "setting.MAX_CONSECUTIVE_ERRORS": "failed writes in a row that end an export",
  "setting.EXPORT_DEAD_LETTER_TOPIC":
    "topic that receives records on an export topic that no client could read (with origin-topic and reason properties); unset: they are acknowledged and counted",
  "setting.EXPORT_MAX_UNACKED":
    "with ?ack=true on an export, frames written to a client and not yet acknowledged by it; when reached, writing waits for its acks",
  "setting.LOG_QUEUE_STATS": "log queue statistics when connections shut down",
  "setting.LOG_FORMAT": "log lines as text (pretty, logfmt) or as JSON objects (json), one line per event",
  "setting.LOG_LEVEL": "lowest level logged: trace, debug, info, warn, error, fatal or none",
  "setting.METRICS_ENABLED": "serve Prometheus metrics at /metrics"
} as const

export type MessageKey = keyof typeof en
