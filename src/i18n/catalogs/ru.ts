/** Russian messages of the command line (see en.ts for the reference catalog). */
import type { Catalog } from "../messages.ts"

export const catalog: Catalog = {
  "cli.usage": "Использование: tg-gateway <команда> [параметры]",
  "cli.commands": "Команды:",
  "cli.command.serve": "запустить шлюз (импорт/экспорт через WebSocket ⇄ брокер)",
  "cli.command.import": "импортировать файл (N-Triples, Turtle или фреймы JSON Lines) через сокет импорта",
  "cli.command.export": "экспортировать из сокета экспорта в файл (фреймы JSON Lines или N-Triples)",
  "cli.options": "Параметры:",
  "cli.option.help": "показать эту справку",
  "cli.option.version": "показать версию",
  "cli.option.lang":
    "язык сообщений (en, es, sw, pt, tr, hi, he, ar, zh, ru); по умолчанию берётся из LANGUAGE, LC_ALL, LC_MESSAGES или LANG",
  "cli.seeHelp": "Параметры команды: «tg-gateway {command} --help».",
  "cli.unknownCommand": "неизвестная команда «{command}»",
  "cli.unknownFlag": "неизвестный параметр {flag} для «{command}»",
  "cli.missingValue": "параметру --{flag} требуется значение",
  "cli.repeatedFlag": "параметр --{flag} указан больше одного раза",
  "cli.badValue": "параметр --{flag} не принимает значение «{value}»",
  "cli.didYouMean": "возможно, вы имели в виду {names}?",
  "cli.badUrl":
    "«{url}» — не адрес шлюза: укажите ws://ХОСТ:ПОРТ или http://ХОСТ:ПОРТ, как его принимает --api-url в trustgraph-cli",
  "cli.notRunning": "на {address} никто не слушает (соединение с {url} отклонено): запущен ли там «tg-gateway serve»?",
  "cli.unknownLanguage": "неизвестный язык «{lang}»; используется английский",
  "cli.default": "по умолчанию: {value}",
  "cli.unset": "не задано",
  "cli.env": "переменная {name}",
  "cli.stdout": "стандартный вывод",
  "problem.notDuration": "«{text}» — не длительность (примеры: 5, 2.5s, 500ms, 1m)",
  "problem.notInteger": "«{text}» — не целое число от {min} до {max}",
  "problem.notBytes": "«{text}» — не размер в байтах (примеры: 1048576, 64KiB, 50MiB)",
  "problem.notBoolean": "«{text}» — не true и не false",
  "problem.notChoice": "«{text}» — не одно из допустимых значений: {choices}",
  "problem.notHttpUrl": "«{text}» — не URL вида http:// или https://",
  "problem.notPulsarUrl": "«{text}» — не URL вида pulsar:// или pulsar+ssl:// (пример: pulsar://127.0.0.1:6650)",
  "problem.notUrl": "«{text}» — не URL",
  "problem.topicTemplate": "«{text}» должно содержать {interface} (и обычно {workspace} и {flow})",
  "problem.flowName": "имя потока «{name}» может содержать только буквы, цифры, '.', '_' и '-'",
  "problem.notPositive": "«{text}» — не целое положительное число",
  "problem.badProducerName":
    "\"{text}\" — не auto, не none и не имя производителя (от 1 до 128 букв, цифр, '.', '_' или '-')",
  "config.invalid": "ошибка конфигурации в {source}: {problem}",
  "config.fix":
    "Исправьте указанную выше настройку и запустите снова; все настройки перечислены в «tg-gateway serve --help».",
  "serve.usage": "Использование: tg-gateway serve [параметры]",
  "serve.noArguments":
    "serve не принимает аргументов (лишнее: {extra}); настройки задаются параметрами, например --broker pulsar",
  "serve.title":
    "Запустить шлюз. Любой параметр можно также задать указанной переменной окружения; параметр командной строки имеет приоритет.",
  "serve.forced": "принудительное завершение: {what}",
  "serve.stopped": "остановлен: все соединения корректно завершены",
  "import.usage": "Использование: tg-gateway import [параметры] <файл>... | -",
  "import.title":
    "Импортировать N-Triples (.nt), Turtle (.ttl) или JSON Lines с готовыми фреймами (.jsonl) через сокет импорта. Шлюз подтверждает каждый фрейм; после обрыва соединения неподтверждённые фреймы отправляются повторно.",
  "import.exitCodes":
    "Коды возврата: 0 всё доставлено; 1 часть фреймов не доставлена; 2 ошибка использования; 3 не удалось разобрать входные данные (итог сообщает, что доставлено); 130 прервано.",
  "import.noInput": "нет входных данных: укажите файл или - для стандартного ввода",
  "import.noSuchFile": "нет такого файла: {input}",
  "import.cannotRead": "не удаётся прочитать {input}: {reason}",
  "import.notAFile": "{input} — не файл",
  "import.stdinAlone": "стандартный ввод (-) нельзя сочетать с файлами",
  "import.unknownFormat": "не удаётся определить формат {input}: укажите --format nt, ttl или jsonl",
  "import.rdfOnlyTriples": "N-Triples и Turtle превращаются во фреймы triples; для --kind {kind} нужен --format jsonl",
  "import.cannotConnect": "не удаётся подключиться к {url}: {reason}",
  "import.dropped": "соединение оборвалось ({code} {reason})",
  "import.reconnectingTo": "повторное подключение к {url} (попытка {attempt} из {of})",
  "import.resuming": "фрейм {frame} не сохранён: продолжение с него по новому соединению",
  "import.atLeastOnce":
    "устранение дубликатов выключено в пространстве имён этого потока: фрейм, повторно отправленный после обрыва соединения, может сохраниться дважды; включите его (PULSAR_ENABLE_DEDUPLICATION=true на шлюзе) для доставки ровно один раз или укажите --producer none",
  "import.duplicates": "уже были в топике и не сохранены повторно (производитель {producer}) фреймов: {duplicates}",
  "import.interruptedResumable":
    "прервано: отправлено, но не подтверждено фреймов: {unacked}; остаток входных данных не отправлен; запустите ту же команду снова, чтобы закончить: доставленное будет распознано (производитель {producer}) и не сохранится дважды",
  "import.reconnecting": "повторное подключение (попытка {attempt} из {of})",
  "import.reconnected": "соединение восстановлено; повторно отправляются неподтверждённые фреймы: {unacked}",
  "import.gaveUp": "отказ после {attempts} попыток переподключения",
  "import.refused": "шлюз отклонил фрейм {frame} ({origin}): {message}",
  "import.stillRefused": "фрейм {frame} ({origin}) так и не принят, попыток: {attempts}: {message}",
  "import.tooBig":
    "фрейм {frame} ({origin}, байт: {bytes}) больше, чем принимает шлюз (он закрыл соединение с кодом 1009): отправляйте фреймы меньше (меньший --batch или более короткие строки JSON) или увеличьте MAX_FRAME_SIZE шлюза",
  "import.originLine": "{file}, строка {line}",
  "import.originTriples": "{file}, триплеты {first}–{last}",
  "import.summary":
    "подтверждено фреймов: {acked} из {frames} (элементов: {items}) в поток {flow} ({kind}) за {seconds} с",
  "import.parseError": "{where}: ошибка разбора: {problem}",
  "import.parseLanded": "всё до строки {line} доставлено; начиная с этой строки ничего не отправлено",
  "import.parseStopped": "начиная со строки {line} ничего не отправлено",
  "import.interrupted":
    "прервано: отправлено, но не подтверждено фреймов: {unacked}; остаток входных данных не отправлен; запустите ту же команду снова, чтобы импортировать всё (доставленное будет отправлено ещё раз)",
  "import.notLanded": "доставлено не всё: неподтверждённых фреймов: {unacked}, отклонённых: {refused}",
  "import.allLanded": "всё доставлено",
  "export.usage": "Использование: tg-gateway export [параметры]",
  "export.title":
    "Экспортировать из сокета экспорта в виде JSON Lines с фреймами или, для triples, в виде N-Triples. Останавливается после --count фреймов, после --idle без фреймов или по Ctrl-C; всё полученное к этому моменту записывается.",
  "export.exitCodes":
    "Коды возврата: 0 остановлено по запросу или из-за завершения работы шлюза; 1 соединение отклонено или потеряно; 2 ошибка использования.",
  "export.noPositionals": "export не принимает файл в аргументах (используйте --output): {extra}",
  "export.outputExists":
    "{output} уже существует: добавьте --force, чтобы перезаписать его, или укажите --subscription, чтобы дописывать в него",
  "export.cannotWrite": "не удаётся записать в {output}: {reason}",
  "export.ntOnlyTriples": "вывод в N-Triples возможен только для triples; для {kind} используйте --format jsonl",
  "export.cannotConnect": "не удаётся подключиться к {url}: {reason}",
  "export.refused": "{url} отклонил соединение с HTTP {status}: {body}",
  "export.closed": "шлюз закрыл соединение ({code} {reason})",
  "export.gatewayError": "шлюз сообщил: {message}",
  "export.stoppedByUser": "остановлено (Ctrl-C)",
  "export.resume":
    "запустите ту же команду снова, чтобы продолжить с места остановки: подписка {subscription} хранит позицию",
  "export.resumeHint": "чтобы позже продолжить экспорт с места остановки, укажите ему --subscription ИМЯ",
  "export.idle": "остановлено: нет фреймов в течение {seconds} с",
  "export.countReached": "остановлено: получено фреймов: {count}",
  "export.reconnected": "переподключено; подписка {subscription} продолжает с места, где оборвалось соединение",
  "export.noReconnect":
    "без --subscription экспорт не переподключается: новое соединение пропустило бы то, что пришло за это время; укажите ему --subscription ИМЯ, чтобы он переподключался и продолжал с места остановки",
  "export.summary": "записано фреймов: {frames} (элементов: {items}) в {output} в формате {format}",
  "option.url": "адрес шлюза; несколько адресов через запятую используются по очереди, когда один отказывает",
  "option.flow": "имя потока",
  "option.kind": "вид данных: triples, graph-embeddings, document-embeddings, entity-contexts или rows",
  "option.exportKind": "вид данных: triples, graph-embeddings, document-embeddings или entity-contexts",
  "option.workspace": "рабочее пространство",
  "option.token": "токен, если на шлюзе задан GATEWAY_SECRET или GATEWAY_TOKENS_FILE",
  "option.inputFormat": "формат входных данных; по умолчанию определяется по расширению файла",
  "option.batch": "число триплетов в одном фрейме",
  "option.collection": "коллекция, указываемая в метаданных каждого фрейма",
  "option.documentId": "id документа в метаданных каждого фрейма; по умолчанию — имя файла",
  "option.window": "наибольшее число отправленных и ещё не подтверждённых фреймов",
  "option.retries":
    "попытки переподключения после обрыва соединения и повторные отправки фрейма, который брокер не смог принять в тот момент; 0 — без повторов",
  "option.exportRetries":
    "с --subscription — попытки переподключения после обрыва соединения, каждая к следующему --url; 0 — без повторов (без --subscription обрыв соединения завершает экспорт)",
  "option.producer":
    "имя, под которым брокер устраняет дубликаты фреймов, чтобы фрейм, отправленный дважды, сохранялся один раз: auto (по входным данным, потоку и виду), имя или none",
  "option.output": "выходной файл или - для стандартного вывода",
  "option.force": "перезаписать существующий файл --output (с --subscription и без --force запись дописывается в него)",
  "option.outputFormat": "формат вывода; по умолчанию nt для файла .nt, иначе jsonl",
  "option.subscription":
    "имя постоянной подписки: следующий экспорт с тем же именем продолжит с того места, где остановился этот",
  "option.from":
    "откуда начинается новая подписка: с текущего момента (latest) или с первого сообщения топика (earliest)",
  "option.count": "остановиться после указанного числа фреймов",
  "option.idle": "остановиться, если фреймов нет в течение указанного времени (например, 5s)",
  "progress.import": "подтверждено фреймов: {acked}/{sent} · элементов: {triples}",
  "progress.export": "фреймов: {frames} · элементов: {triples}",
  "progress.rate": "{rate} элем./с",
  "progress.eta": "осталось около {seconds} с",
  "setting.GATEWAY_PORT": "порт для маршрутов WebSocket, /metrics, /healthz и /readyz",
  "setting.GATEWAY_HOST": "адрес для прослушивания",
  "setting.GATEWAY_SECRET": "если задано, клиенты должны передавать ?token= с этим значением (иначе HTTP 401)",
  "setting.GATEWAY_TOKENS_FILE":
    "JSON-файл токенов: для каждого — рабочие пространства, потоки, виды данных и направления, которые ему разрешены; перечитывается при изменении (неизвестный токен: HTTP 401; вне его прав: 403)",
  "setting.GATEWAY_TLS_CERT_FILE":
    "PEM-сертификат (с цепочкой) для HTTPS и WSS на порту шлюза, вместе с GATEWAY_TLS_KEY_FILE; перечитывается при изменении",
  "setting.GATEWAY_TLS_KEY_FILE": "закрытый ключ PEM для GATEWAY_TLS_CERT_FILE; перечитывается при изменении",
  "setting.BROKER": "брокер сообщений: встроенный брокер в памяти или Apache Pulsar",
  "setting.PULSAR_HTTP_URL": "веб-порт Pulsar (WebSocket API и API администрирования), при BROKER=pulsar",
  "setting.PULSAR_ADMIN_URL":
    "API администрирования Pulsar, если он не на PULSAR_HTTP_URL (WebSocket-прокси отдельно от брокеров); по умолчанию PULSAR_HTTP_URL",
  "setting.PULSAR_TRANSPORT":
    "как производители и потребители обращаются к Pulsar: binary (собственный протокол на двоичном порту PULSAR_URL, быстрее всего) или websocket (WebSocket API на PULSAR_HTTP_URL, для развёртываний, где доступен только веб-порт, например за WebSocket-прокси Pulsar)",
  "setting.PULSAR_URL":
    "двоичный порт Pulsar (pulsar://host:6650 или pulsar+ssl:// поверх TLS) для PULSAR_TRANSPORT=binary; если не задан: хост API администрирования на порту 6650 (pulsar+ssl:// на 6651, если API администрирования по https); PULSAR_HTTP_URL остаётся API администрирования",
  "setting.PULSAR_COMPRESSION":
    "как производители сжимают каждую запись до того, как она попадёт в Pulsar: none, zstd или zlib; брокер хранит и доставляет её сжатой, а каждый клиент Pulsar (включая обработчики TrustGraph) её распаковывает; шлюз тратит на каждую запись процессорное время, а брокер экономит большую часть своего",
  "setting.PULSAR_PING_INTERVAL":
    "как часто каждой сессии Pulsar отправляется ping, чтобы брокер не закрыл её как простаивающую (меньше его webSocketSessionIdleTimeoutMillis); 0 или off: никогда",
  "setting.PULSAR_MAX_MESSAGE_SIZE":
    "наибольшая запись, отправляемая в Pulsar, в байтах; auto: определяется по брокеру (maxMessageSize, webSocketMaxTextFrameSize); фрейм, запись которого больше, отклоняется без повторных попыток",
  "setting.PULSAR_AUTH_TOKEN":
    "токен, отправляемый в Pulsar как 'Authorization: Bearer' с каждым сокетом и запросом администрирования",
  "setting.PULSAR_AUTH_TOKEN_FILE":
    "файл с токеном Pulsar; перечитывается при каждом новом подключении к брокеру (сменяемые секреты)",
  "setting.PULSAR_AUTH_OAUTH2_ISSUER_URL":
    "издатель OAuth2: шлюз получает у него токен доступа к Pulsar по схеме client-credentials и обновляет его до истечения срока",
  "setting.PULSAR_AUTH_OAUTH2_AUDIENCE": "аудитория (audience), запрашиваемая для токена доступа OAuth2",
  "setting.PULSAR_AUTH_OAUTH2_CREDENTIALS_FILE": "JSON-файл с client_id и client_secret OAuth2",
  "setting.PULSAR_TLS_CA_FILE": "доверенные PEM-сертификаты для брокера https:// вместо системных",
  "setting.PULSAR_TLS_CERT_FILE":
    "клиентский PEM-сертификат для брокера, который его требует, вместе с PULSAR_TLS_KEY_FILE",
  "setting.PULSAR_TLS_KEY_FILE": "закрытый ключ PEM для PULSAR_TLS_CERT_FILE",
  "setting.PULSAR_ENABLE_DEDUPLICATION":
    "включать дедупликацию в пространстве имён Pulsar, куда импортируют потоки, если она выключена, чтобы ?producer= (импорт без дубликатов) обслуживался там, а не отклонялся с 409",
  "setting.PULSAR_TLS_INSECURE":
    "принимать любой сертификат и имя хоста брокера: только для тестов, при запуске выводится предупреждение",
  "setting.FLOWS": "имена обслуживаемых потоков через запятую (default обслуживается всегда)",
  "setting.FLOWS_FILE": "JSON-файл с потоками и переопределениями топиков для отдельных потоков",
  "setting.TOPIC_TEMPLATE": "топик интерфейса потока",
  "setting.MAX_FRAME_SIZE":
    "наибольший фрейм, который может отправить клиент; при превышении сокет закрывается с кодом 1009",
  "setting.WS_PING_INTERVAL":
    "как часто клиентам отправляется ping, чтобы прокси не закрывали простаивающие сокеты; клиент, который не отвечает, остаётся подключённым; 0 или off: никогда",
  "setting.WS_READ_BUFFER_SIZE":
    "число байт полученных по соединению и ещё не обработанных фреймов, после которого чтение его сокета приостанавливается",
  "setting.PUBLISHER_MAX_QUEUE_SIZE":
    "число фреймов в очереди на одно соединение импорта, после которого чтение сокета приостанавливается",
  "setting.PUBLISHER_MAX_IN_FLIGHT": "число отправок на одно соединение импорта, ожидающих подтверждения брокера",
  "setting.PUBLISHER_MAX_QUEUE_BYTES":
    "число байт в очереди на одно соединение импорта, после которого чтение сокета приостанавливается",
  "setting.PUBLISHER_MAX_IN_FLIGHT_BYTES":
    "число байт на одно соединение импорта, отправленных и ожидающих подтверждения брокера",
  "setting.PUBLISHER_DRAIN_TIMEOUT": "при закрытии — время на отправку содержимого очереди",
  "setting.PUBLISHER_FLUSH_TIMEOUT": "при закрытии — время ожидания подтверждений брокера",
  "setting.SUBSCRIBER_MAX_QUEUE_SIZE": "число сообщений в очереди на одно соединение экспорта",
  "setting.SUBSCRIBER_PREFETCH":
    "число сообщений, которые брокер может заранее отправить соединению экспорта сверх его очереди",
  "setting.SUBSCRIBER_DRAIN_TIMEOUT": "при остановке — время на доставку содержимого очереди",
  "setting.SUBSCRIBER_NACK_DELAY": "задержка перед повторной доставкой сообщения, возвращённого брокеру",
  "setting.BACKPRESSURE_STRATEGY":
    "поведение переполненной очереди экспорта: ждать, отбрасывать самое старое сообщение или отклонять новое",
  "setting.SHUTDOWN_GRACE_PERIOD":
    "дополнительное время сверх тайм-аутов опустошения очередей, после которого открытые соединения обрываются",
  "setting.MAX_CONSECUTIVE_ERRORS": "число неудачных записей подряд, после которого экспорт завершается",
  "setting.EXPORT_DEAD_LETTER_TOPIC":
    "топик, в который попадают записи из топика экспорта, которые не смог бы прочитать ни один клиент (со свойствами origin-topic и reason); если не задано: они подтверждаются и учитываются",
  "setting.EXPORT_MAX_UNACKED":
    "при ?ack=true на экспорте — кадры, записанные клиенту и ещё не подтверждённые им; при достижении предела запись ждёт его подтверждений",
  "setting.LOG_QUEUE_STATS": "записывать в журнал статистику очередей при закрытии соединений",
  "setting.LOG_FORMAT":
    "писать строки журнала текстом (pretty, logfmt) или объектами JSON (json), по одной строке на событие",
  "setting.LOG_LEVEL": "самый низкий записываемый уровень: trace, debug, info, warn, error, fatal или none",
  "setting.METRICS_ENABLED": "отдавать метрики Prometheus по адресу /metrics"
}
