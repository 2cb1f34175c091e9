/** Spanish messages of the command line (see en.ts for the reference catalog). */
import type { Catalog } from "../messages.ts"

export const catalog: Catalog = {
  "cli.usage": "Uso: tg-gateway <comando> [opciones]",
  "cli.commands": "Comandos:",
  "cli.command.serve": "ejecuta la pasarela (importación/exportación por WebSocket ⇄ bróker)",
  "cli.command.import":
    "importa un archivo (N-Triples, Turtle o tramas JSON Lines) a través de un socket de importación",
  "cli.command.export": "exporta desde un socket de exportación a un archivo (tramas JSON Lines o N-Triples)",
  "cli.options": "Opciones:",
  "cli.option.help": "muestra esta ayuda",
  "cli.option.version": "muestra la versión",
  "cli.option.lang":
    "idioma de los mensajes (en, es, sw, pt, tr, hi, he, ar, zh, ru); por defecto según LANGUAGE, LC_ALL, LC_MESSAGES o LANG",
  "cli.seeHelp": "Ejecute 'tg-gateway {command} --help' para ver sus opciones.",
  "cli.unknownCommand": 'comando desconocido "{command}"',
  "cli.unknownFlag": "opción desconocida {flag} para '{command}'",
  "cli.missingValue": "la opción --{flag} necesita un valor",
  "cli.repeatedFlag": "la opción --{flag} se da más de una vez",
  "cli.badValue": 'la opción --{flag} no admite el valor "{value}"',
  "cli.didYouMean": "¿quiso decir {names}?",
  "cli.badUrl":
    '"{url}" no es una dirección de pasarela: indique ws://HOST:PUERTO, o http://HOST:PUERTO como lo toma --api-url de trustgraph-cli',
  "cli.notRunning":
    "nada escucha en {address} (conexión rechazada para {url}): ¿se está ejecutando 'tg-gateway serve' allí?",
  "cli.unknownLanguage": 'idioma desconocido "{lang}"; se usa el inglés',
  "cli.default": "por defecto: {value}",
  "cli.unset": "sin definir",
  "cli.env": "variable {name}",
  "cli.stdout": "la salida estándar",
  "problem.notDuration": '"{text}" no es una duración (ejemplos: 5, 2.5s, 500ms, 1m)',
  "problem.notInteger": '"{text}" no es un número entero entre {min} y {max}',
  "problem.notBytes": '"{text}" no es un tamaño en bytes (ejemplos: 1048576, 64KiB, 50MiB)',
  "problem.notBoolean": '"{text}" no es true ni false',
  "problem.notChoice": '"{text}" no es ninguno de estos valores: {choices}',
  "problem.notHttpUrl": '"{text}" no es una URL http:// ni https://',
  "problem.notPulsarUrl": '"{text}" no es una URL pulsar:// ni pulsar+ssl:// (ejemplo: pulsar://127.0.0.1:6650)',
  "problem.notUrl": '"{text}" no es una URL',
  "problem.topicTemplate": '"{text}" debe contener {interface} (y normalmente {workspace} y {flow})',
  "problem.flowName": "el nombre de flujo \"{name}\" solo puede contener letras, dígitos, '.', '_' y '-'",
  "problem.notPositive": '"{text}" no es un número entero positivo',
  "problem.badProducerName":
    "\"{text}\" no es auto, none ni un nombre de productor (de 1 a 128 letras, dígitos, '.', '_' o '-')",
  "config.invalid": "error de configuración en {source}: {problem}",
  "config.fix": "Corrija el ajuste anterior y vuelva a iniciar; 'tg-gateway serve --help' enumera todos los ajustes.",
  "serve.usage": "Uso: tg-gateway serve [opciones]",
  "serve.noArguments": "serve no admite argumentos (sobran: {extra}); los ajustes son opciones, como --broker pulsar",
  "serve.title":
    "Ejecuta la pasarela. Cada opción también puede definirse con la variable de entorno indicada; la opción de la línea de comandos tiene prioridad.",
  "serve.forced": "cierre forzado: {what}",
  "serve.stopped": "detenida: se drenaron todas las conexiones",
  "import.usage": "Uso: tg-gateway import [opciones] <archivo>... | -",
  "import.title":
    "Importa N-Triples (.nt), Turtle (.ttl) o JSON Lines de tramas ya preparadas (.jsonl) a través de un socket de importación. La pasarela confirma cada trama; tras una caída de la conexión se reenvían las tramas no confirmadas.",
  "import.exitCodes":
    "Códigos de salida: 0 todo se entregó; 1 algunas tramas no se entregaron; 2 error de uso; 3 no se pudo analizar la entrada (el resumen dice qué se entregó); 130 interrumpido.",
  "import.noInput": "no hay entrada: indique un archivo, o - para la entrada estándar",
  "import.noSuchFile": "no existe el archivo: {input}",
  "import.cannotRead": "no se puede leer {input}: {reason}",
  "import.notAFile": "{input} no es un archivo",
  "import.stdinAlone": "la entrada estándar (-) no se puede combinar con archivos",
  "import.unknownFormat": "no se puede determinar el formato de {input}: use --format nt, ttl o jsonl",
  "import.rdfOnlyTriples":
    "N-Triples y Turtle se convierten en tramas de tipo triples; --kind {kind} requiere --format jsonl",
  "import.cannotConnect": "no se puede conectar a {url}: {reason}",
  "import.dropped": "se perdió la conexión ({code} {reason})",
  "import.reconnectingTo": "reconectando a {url} (intento {attempt} de {of})",
  "import.resuming": "la trama {frame} no se guardó: se reanuda desde ella en una conexión nueva",
  "import.atLeastOnce":
    "la deduplicación está desactivada en el espacio de nombres de este flujo: una trama reenviada tras perder la conexión puede guardarse dos veces; actívela (PULSAR_ENABLE_DEDUPLICATION=true en la pasarela) para exactamente una vez, o indique --producer none",
  "import.duplicates":
    "{duplicates, plural, one {# trama ya estaba} other {# tramas ya estaban}} en el tema (productor {producer}) y no se guardaron de nuevo",
  "import.interruptedResumable":
    "interrumpido: {unacked, plural, one {# trama enviada} other {# tramas enviadas}} sin confirmar y el resto de la entrada sin enviar; ejecute de nuevo el mismo comando para terminar: lo que llegó se reconoce (productor {producer}) y no se guarda dos veces",
  "import.reconnecting": "reconectando (intento {attempt} de {of})",
  "import.reconnected":
    "reconectado; se vuelven a enviar {unacked, plural, one {la # trama} other {las # tramas}} sin confirmar",
  "import.gaveUp": "se abandona tras {attempts, plural, one {# intento} other {# intentos}} de reconexión",
  "import.refused": "la pasarela rechazó la trama {frame} ({origin}): {message}",
  "import.stillRefused":
    "la trama {frame} ({origin}) sigue sin aceptarse tras {attempts, plural, one {# intento} other {# intentos}}: {message}",
  "import.tooBig":
    "la trama {frame} ({origin}, {bytes} bytes) es mayor de lo que acepta la pasarela (cerró la conexión con 1009): envíe tramas más pequeñas (un --batch menor, o líneas JSON más cortas) o aumente MAX_FRAME_SIZE en la pasarela",
  "import.originLine": "{file} línea {line}",
  "import.originTriples": "{file}, tripletas {first}–{last}",
  "import.summary":
    "{acked} de {frames, plural, one {# trama confirmada} other {# tramas confirmadas}} ({items, plural, one {# elemento} other {# elementos}}) en el flujo {flow} ({kind}) en {seconds} s",
  "import.parseError": "{where}: error de análisis: {problem}",
  "import.parseLanded": "todo lo anterior a la línea {line} se entregó; no se envió nada desde esa línea",
  "import.parseStopped": "no se envió nada desde la línea {line}",
  "import.interrupted":
    "interrumpido: {unacked, plural, one {# trama enviada} other {# tramas enviadas}} sin confirmar y el resto de la entrada sin enviar; ejecute el mismo comando de nuevo para importarlo todo (lo ya entregado se envía otra vez)",
  "import.notLanded":
    "no todo se entregó: {unacked, plural, one {# trama sin confirmar} other {# tramas sin confirmar}}, {refused} rechazadas",
  "import.allLanded": "todo se entregó",
  "export.usage": "Uso: tg-gateway export [opciones]",
  "export.title":
    "Exporta desde un socket de exportación como JSON Lines de tramas, o como N-Triples en el caso de triples. Se detiene tras --count tramas, tras --idle sin recibir ninguna trama o con Ctrl-C, con todo lo recibido ya escrito.",
  "export.exitCodes":
    "Códigos de salida: 0 detenido según lo pedido o por el cierre de la pasarela; 1 conexión rechazada o perdida; 2 error de uso.",
  "export.noPositionals": "export no admite un archivo como argumento (use --output): {extra}",
  "export.outputExists":
    "{output} ya existe: añada --force para sobrescribirlo, o indique --subscription para añadir a él",
  "export.cannotWrite": "no se puede escribir en {output}: {reason}",
  "export.ntOnlyTriples": "la salida N-Triples es solo para triples; use --format jsonl para {kind}",
  "export.cannotConnect": "no se puede conectar a {url}: {reason}",
  "export.refused": "{url} rechazó la conexión con HTTP {status}: {body}",
  "export.closed": "la pasarela cerró la conexión ({code} {reason})",
  "export.gatewayError": "la pasarela informó: {message}",
  "export.stoppedByUser": "detenido (Ctrl-C)",
  "export.resume":
    "ejecute el mismo comando de nuevo para seguir donde se detuvo: la suscripción {subscription} guarda la posición",
  "export.resumeHint": "para seguir más tarde donde se detuvo una exportación, dele --subscription NOMBRE",
  "export.idle": "detenido: ninguna trama en {seconds} s",
  "export.countReached": "detenido tras {count, plural, one {# trama} other {# tramas}}",
  "export.reconnected": "reconectado; la suscripción {subscription} sigue donde se detuvo la conexión perdida",
  "export.noReconnect":
    "sin --subscription una exportación no se reconecta: una conexión nueva perdería lo que llegó entretanto; dele --subscription NOMBRE para que se reconecte y siga donde se detuvo",
  "export.summary":
    "se escribieron {frames, plural, one {# trama} other {# tramas}} ({items, plural, one {# elemento} other {# elementos}}) en {output} como {format}",
  "option.url": "dirección de la pasarela; varias, separadas por comas, se usan por turno cuando una falla",
  "option.flow": "nombre del flujo",
  "option.kind": "tipo: triples, graph-embeddings, document-embeddings, entity-contexts o rows",
  "option.exportKind": "tipo: triples, graph-embeddings, document-embeddings o entity-contexts",
  "option.workspace": "espacio de trabajo",
  "option.token": "token, si la pasarela tiene definido GATEWAY_SECRET o GATEWAY_TOKENS_FILE",
  "option.inputFormat": "formato de entrada; por defecto, según la extensión del archivo",
  "option.batch": "triples por trama",
  "option.collection": "colección indicada en los metadatos de cada trama",
  "option.documentId": "id del documento en los metadatos de cada trama; por defecto: el nombre del archivo",
  "option.window": "máximo de tramas enviadas y aún no confirmadas",
  "option.retries":
    "intentos de reconexión tras una conexión perdida, y reenvíos de una trama que el broker no pudo aceptar en ese momento; 0 para ninguno",
  "option.exportRetries":
    "con --subscription, intentos de reconexión tras una conexión perdida, cada uno a la siguiente --url; 0 para ninguno (sin --subscription una conexión perdida termina la exportación)",
  "option.producer":
    "nombre con el que el broker deduplica las tramas, para que una trama enviada dos veces se guarde una sola: auto (según la entrada, el flujo y el tipo), un nombre o none",
  "option.output": "archivo de salida, o - para la salida estándar",
  "option.force": "sobrescribir un archivo --output existente (con --subscription y sin --force, se añade a él)",
  "option.outputFormat": "formato de salida; por defecto nt para un archivo .nt y jsonl en los demás casos",
  "option.subscription":
    "nombre de la suscripción duradera: una exportación posterior con el mismo nombre continúa donde se detuvo esta",
  "option.from": "dónde empieza una suscripción nueva: ahora (latest) o en el primer mensaje del tema (earliest)",
  "option.count": "detenerse tras este número de tramas",
  "option.idle": "detenerse tras este tiempo sin ninguna trama (p. ej. 5s)",
  "progress.import": "tramas confirmadas {acked}/{sent} · {triples, plural, one {# elemento} other {# elementos}}",
  "progress.export":
    "{frames, plural, one {# trama} other {# tramas}} · {triples, plural, one {# elemento} other {# elementos}}",
  "progress.rate": "{rate} elementos/s",
  "progress.eta": "quedan unos {seconds} s",
  "setting.GATEWAY_PORT": "puerto de las rutas WebSocket, /metrics, /healthz y /readyz",
  "setting.GATEWAY_HOST": "dirección en la que escuchar",
  "setting.GATEWAY_SECRET": "si está definido, los clientes deben enviar ?token= con este valor (si no, HTTP 401)",
  "setting.GATEWAY_TOKENS_FILE":
    "archivo JSON de tokens, cada uno con los espacios de trabajo, flujos, tipos y sentidos que puede usar; se relee cuando cambia (token desconocido: HTTP 401; fuera de lo concedido: 403)",
  "setting.GATEWAY_TLS_CERT_FILE":
    "certificado PEM (con su cadena) para servir HTTPS y WSS en el puerto de la pasarela, junto con GATEWAY_TLS_KEY_FILE; se relee cuando cambia",
  "setting.GATEWAY_TLS_KEY_FILE": "clave privada PEM de GATEWAY_TLS_CERT_FILE; se relee cuando cambia",
  "setting.BROKER": "bróker de mensajes: el bróker integrado en memoria o Apache Pulsar",
  "setting.PULSAR_HTTP_URL": "puerto web de Pulsar (API WebSocket y API de administración), con BROKER=pulsar",
  "setting.PULSAR_ADMIN_URL":
    "API de administración de Pulsar, si no está en PULSAR_HTTP_URL (un proxy WebSocket aparte de los brokers); por defecto PULSAR_HTTP_URL",
  "setting.PULSAR_TRANSPORT":
    "cómo llegan productores y consumidores a Pulsar: binary (su propio protocolo en el puerto binario de PULSAR_URL, lo más rápido) o websocket (su API WebSocket en PULSAR_HTTP_URL, para despliegues que solo alcanzan el puerto web, como tras un proxy WebSocket de Pulsar)",
  "setting.PULSAR_URL":
    "puerto binario de Pulsar (pulsar://host:6650, o pulsar+ssl:// con TLS) para PULSAR_TRANSPORT=binary; sin indicar: el host de la API de administración en el puerto 6650 (pulsar+ssl:// en 6651 si la API de administración es https); PULSAR_HTTP_URL sigue siendo la API de administración",
  "setting.PULSAR_COMPRESSION":
    "cómo comprimen los productores cada registro antes de que llegue a Pulsar: none, zstd o zlib; el bróker lo almacena y lo entrega comprimido, y todo cliente de Pulsar (incluidos los procesadores de TrustGraph) lo descomprime; cuesta CPU a la pasarela por cada registro y le ahorra al bróker la mayor parte de la suya",
  "setting.PULSAR_PING_INTERVAL":
    "cada cuánto se envía un ping a cada sesión de Pulsar para que el broker no la cierre por inactividad (menos que su webSocketSessionIdleTimeoutMillis); 0 u off: nunca",
  "setting.PULSAR_MAX_MESSAGE_SIZE":
    "registro más grande que se envía a Pulsar, en bytes; auto: se obtiene del bróker (maxMessageSize, webSocketMaxTextFrameSize); una trama cuyo registro sea mayor se rechaza, sin reintentos",
  "setting.PULSAR_AUTH_TOKEN":
    "token que se envía a Pulsar como 'Authorization: Bearer' en cada socket y petición de administración",
  "setting.PULSAR_AUTH_TOKEN_FILE":
    "archivo con el token de Pulsar, que se vuelve a leer en cada nueva conexión al broker (secretos rotados)",
  "setting.PULSAR_AUTH_OAUTH2_ISSUER_URL":
    "emisor OAuth2: la pasarela obtiene de él un token de acceso a Pulsar con la concesión client-credentials y lo renueva antes de que caduque",
  "setting.PULSAR_AUTH_OAUTH2_AUDIENCE": "audiencia que se pide con el token de acceso OAuth2",
  "setting.PULSAR_AUTH_OAUTH2_CREDENTIALS_FILE": "archivo JSON con el client_id y el client_secret de OAuth2",
  "setting.PULSAR_TLS_CA_FILE": "certificados PEM de confianza para un broker https:// en lugar de los del sistema",
  "setting.PULSAR_TLS_CERT_FILE":
    "certificado de cliente PEM para un broker que lo exige, junto con PULSAR_TLS_KEY_FILE",
  "setting.PULSAR_TLS_KEY_FILE": "clave privada PEM de PULSAR_TLS_CERT_FILE",
  "setting.PULSAR_ENABLE_DEDUPLICATION":
    "activar la deduplicación en un espacio de nombres de Pulsar al que importan los flujos donde está desactivada, para que ?producer= (importaciones deduplicadas) se atienda allí en lugar de rechazarse con 409",
  "setting.PULSAR_TLS_INSECURE":
    "acepta cualquier certificado y nombre de host del broker: solo para pruebas, se advierte al arrancar",
  "setting.FLOWS": "nombres de los flujos que se sirven, separados por comas (default se sirve siempre)",
  "setting.FLOWS_FILE": "archivo JSON de flujos y de temas redefinidos por flujo",
  "setting.TOPIC_TEMPLATE": "tema de la interfaz de un flujo",
  "setting.MAX_FRAME_SIZE": "trama más grande que puede enviar un cliente; una mayor cierra el socket con 1009",
  "setting.WS_PING_INTERVAL":
    "cada cuánto se envía un ping a los clientes para que los proxies no cierren sockets inactivos; un cliente que no responde sigue conectado; 0 u off: nunca",
  "setting.WS_READ_BUFFER_SIZE":
    "bytes de tramas recibidas en una conexión y aún no procesadas antes de que se deje de leer su socket",
  "setting.PUBLISHER_MAX_QUEUE_SIZE":
    "tramas en cola por conexión de importación antes de que se deje de leer el socket",
  "setting.PUBLISHER_MAX_IN_FLIGHT": "envíos por conexión de importación a la espera de la confirmación del bróker",
  "setting.PUBLISHER_MAX_QUEUE_BYTES":
    "bytes en cola por conexión de importación antes de que se deje de leer el socket",
  "setting.PUBLISHER_MAX_IN_FLIGHT_BYTES":
    "bytes por conexión de importación enviados y a la espera de la confirmación del bróker",
  "setting.PUBLISHER_DRAIN_TIMEOUT": "al cerrar, tiempo para enviar lo que está en cola",
  "setting.PUBLISHER_FLUSH_TIMEOUT": "al cerrar, tiempo de espera de las confirmaciones del bróker",
  "setting.SUBSCRIBER_MAX_QUEUE_SIZE": "mensajes en cola por conexión de exportación",
  "setting.SUBSCRIBER_PREFETCH":
    "mensajes que el bróker puede enviar a una conexión de exportación por delante de su cola",
  "setting.SUBSCRIBER_DRAIN_TIMEOUT": "al apagar, tiempo para entregar lo que está en cola",
  "setting.SUBSCRIBER_NACK_DELAY": "espera antes de volver a entregar un mensaje devuelto al bróker",
  "setting.BACKPRESSURE_STRATEGY":
    "qué hace una cola de exportación llena: esperar, descartar el mensaje más antiguo o rechazar el nuevo",
  "setting.SHUTDOWN_GRACE_PERIOD": "tiempo adicional a los plazos de drenaje antes de cortar las conexiones abiertas",
  "setting.MAX_CONSECUTIVE_ERRORS": "escrituras fallidas seguidas que ponen fin a una exportación",
  "setting.EXPORT_DEAD_LETTER_TOPIC":
    "tema que recibe los registros de un tema de exportación que ningún cliente podría leer (con las propiedades origin-topic y reason); sin definir: se confirman y se cuentan",
  "setting.EXPORT_MAX_UNACKED":
    "con ?ack=true en una exportación, tramas escritas a un cliente que este aún no ha confirmado; al alcanzarse, la escritura espera sus confirmaciones",
  "setting.LOG_QUEUE_STATS": "registrar estadísticas de las colas al cerrarse las conexiones",
  "setting.LOG_FORMAT":
    "registrar las líneas como texto (pretty, logfmt) o como objetos JSON (json), una línea por evento",
  "setting.LOG_LEVEL": "nivel más bajo que se registra: trace, debug, info, warn, error, fatal o none",
  "setting.METRICS_ENABLED": "servir métricas de Prometheus en /metrics"
}
