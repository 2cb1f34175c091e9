/** Portuguese messages of the command line (see en.ts for the reference catalog). */
import type { Catalog } from "../messages.ts"

export const catalog: Catalog = {
  "cli.usage": "Uso: tg-gateway <comando> [opções]",
  "cli.commands": "Comandos:",
  "cli.command.serve": "executa o gateway (importação/exportação via WebSocket ⇄ broker)",
  "cli.command.import": "importa um arquivo (N-Triples, Turtle ou quadros JSON Lines) por um socket de importação",
  "cli.command.export": "exporta de um socket de exportação para um arquivo (quadros JSON Lines ou N-Triples)",
  "cli.options": "Opções:",
  "cli.option.help": "mostra esta ajuda",
  "cli.option.version": "mostra a versão",
  "cli.option.lang":
    "idioma das mensagens (en, es, sw, pt, tr, hi, he, ar, zh, ru); por padrão, de LANGUAGE, LC_ALL, LC_MESSAGES ou LANG",
  "cli.seeHelp": "Execute 'tg-gateway {command} --help' para ver suas opções.",
  "cli.unknownCommand": 'comando desconhecido "{command}"',
  "cli.unknownFlag": "opção desconhecida {flag} para '{command}'",
  "cli.missingValue": "a opção --{flag} precisa de um valor",
  "cli.repeatedFlag": "a opção --{flag} foi dada mais de uma vez",
  "cli.badValue": 'a opção --{flag} não aceita o valor "{value}"',
  "cli.didYouMean": "você quis dizer {names}?",
  "cli.badUrl":
    '"{url}" não é um endereço de gateway: informe ws://HOST:PORTA, ou http://HOST:PORTA como o --api-url do trustgraph-cli o aceita',
  "cli.notRunning": "nada escuta em {address} (conexão recusada para {url}): o 'tg-gateway serve' está rodando lá?",
  "cli.unknownLanguage": 'idioma desconhecido "{lang}"; usando inglês',
  "cli.default": "padrão: {value}",
  "cli.unset": "não definido",
  "cli.env": "variável {name}",
  "cli.stdout": "a saída padrão",
  "problem.notDuration": '"{text}" não é uma duração (exemplos: 5, 2.5s, 500ms, 1m)',
  "problem.notInteger": '"{text}" não é um número inteiro entre {min} e {max}',
  "problem.notBytes": '"{text}" não é um tamanho em bytes (exemplos: 1048576, 64KiB, 50MiB)',
  "problem.notBoolean": '"{text}" não é true nem false',
  "problem.notChoice": '"{text}" não é nenhum destes valores: {choices}',
  "problem.notHttpUrl": '"{text}" não é uma URL http:// ou https://',
  "problem.notPulsarUrl": '"{text}" não é uma URL pulsar:// ou pulsar+ssl:// (exemplo: pulsar://127.0.0.1:6650)',
  "problem.notUrl": '"{text}" não é uma URL',
  "problem.topicTemplate": '"{text}" deve conter {interface} (e geralmente {workspace} e {flow})',
  "problem.flowName": "o nome de fluxo \"{name}\" só pode conter letras, dígitos, '.', '_' e '-'",
  "problem.notPositive": '"{text}" não é um número inteiro positivo',
  "problem.badProducerName":
    "\"{text}\" não é auto, none nem um nome de produtor (de 1 a 128 letras, dígitos, '.', '_' ou '-')",
  "config.invalid": "erro de configuração em {source}: {problem}",
  "config.fix":
    "Corrija a configuração acima e inicie novamente; 'tg-gateway serve --help' lista todas as configurações.",
  "serve.usage": "Uso: tg-gateway serve [opções]",
  "serve.noArguments":
    "serve não aceita argumentos (a mais: {extra}); as configurações são opções, como --broker pulsar",
  "serve.title":
    "Executa o gateway. Toda opção também pode ser definida pela variável de ambiente indicada; a opção na linha de comando tem prioridade.",
  "serve.forced": "encerramento forçado: {what}",
  "serve.stopped": "parado: todas as conexões foram drenadas",
  "import.usage": "Uso: tg-gateway import [opções] <arquivo>... | -",
  "import.title":
    "Importa N-Triples (.nt), Turtle (.ttl) ou JSON Lines de quadros prontos (.jsonl) por um socket de importação. O gateway confirma cada quadro; após uma queda de conexão, os quadros não confirmados são reenviados.",
  "import.exitCodes":
    "Códigos de saída: 0 tudo foi entregue; 1 alguns quadros não foram entregues; 2 erro de uso; 3 a entrada não pôde ser analisada (o resumo diz o que foi entregue); 130 interrompido.",
  "import.noInput": "nenhuma entrada: informe um arquivo, ou - para a entrada padrão",
  "import.noSuchFile": "arquivo inexistente: {input}",
  "import.cannotRead": "não é possível ler {input}: {reason}",
  "import.notAFile": "{input} não é um arquivo",
  "import.stdinAlone": "a entrada padrão (-) não pode ser combinada com arquivos",
  "import.unknownFormat": "não é possível determinar o formato de {input}: use --format nt, ttl ou jsonl",
  "import.rdfOnlyTriples": "N-Triples e Turtle viram quadros do tipo triples; --kind {kind} requer --format jsonl",
  "import.cannotConnect": "não foi possível conectar a {url}: {reason}",
  "import.dropped": "conexão perdida ({code} {reason})",
  "import.reconnectingTo": "reconectando a {url} (tentativa {attempt} de {of})",
  "import.resuming": "o quadro {frame} não foi guardado: retomando a partir dele numa nova conexão",
  "import.atLeastOnce":
    "a deduplicação está desligada no namespace deste fluxo: um quadro reenviado após uma conexão perdida pode ser guardado duas vezes; ligue-a (PULSAR_ENABLE_DEDUPLICATION=true no gateway) para exatamente uma vez, ou indique --producer none",
  "import.duplicates":
    "{duplicates, plural, one {# quadro já estava} other {# quadros já estavam}} no tópico (produtor {producer}) e não foram guardados de novo",
  "import.interruptedResumable":
    "interrompido: {unacked, plural, one {# quadro enviado} other {# quadros enviados}} sem confirmação e o resto da entrada não enviado; execute o mesmo comando de novo para terminar: o que chegou é reconhecido (produtor {producer}) e não é guardado duas vezes",
  "import.reconnecting": "reconectando (tentativa {attempt} de {of})",
  "import.reconnected":
    "reconectado; reenviando {unacked, plural, one {o # quadro não confirmado} other {os # quadros não confirmados}}",
  "import.gaveUp": "desistindo após {attempts, plural, one {# tentativa} other {# tentativas}} de reconexão",
  "import.refused": "quadro {frame} ({origin}) recusado pelo gateway: {message}",
  "import.stillRefused":
    "quadro {frame} ({origin}) ainda não aceito após {attempts, plural, one {# tentativa} other {# tentativas}}: {message}",
  "import.tooBig":
    "o quadro {frame} ({origin}, {bytes} bytes) é maior do que o gateway aceita (ele fechou a conexão com 1009): envie quadros menores (um --batch menor, ou linhas JSON mais curtas) ou aumente o MAX_FRAME_SIZE do gateway",
  "import.originLine": "{file} linha {line}",
  "import.originTriples": "{file}, triplas {first}–{last}",
  "import.summary":
    "{acked} de {frames, plural, one {# quadro confirmado} other {# quadros confirmados}} ({items, plural, one {# item} other {# itens}}) no fluxo {flow} ({kind}) em {seconds} s",
  "import.parseError": "{where}: erro de análise: {problem}",
  "import.parseLanded": "tudo antes da linha {line} foi entregue; nada a partir dessa linha foi enviado",
  "import.parseStopped": "nada a partir da linha {line} foi enviado",
  "import.interrupted":
    "interrompido: {unacked, plural, one {# quadro enviado} other {# quadros enviados}} sem confirmação e o resto da entrada não enviado; execute o mesmo comando de novo para importar tudo (o que já foi entregue é enviado de novo)",
  "import.notLanded":
    "nem tudo foi entregue: {unacked, plural, one {# quadro não confirmado} other {# quadros não confirmados}}, {refused} recusados",
  "import.allLanded": "tudo foi entregue",
  "export.usage": "Uso: tg-gateway export [opções]",
  "export.title":
    "Exporta de um socket de exportação como JSON Lines de quadros, ou como N-Triples no caso de triples. Para após --count quadros, após --idle sem nenhum quadro ou com Ctrl-C, com tudo o que foi recebido já gravado.",
  "export.exitCodes":
    "Códigos de saída: 0 parou conforme solicitado ou pelo encerramento do gateway; 1 conexão recusada ou perdida; 2 erro de uso.",
  "export.noPositionals": "export não aceita arquivo como argumento (use --output): {extra}",
  "export.outputExists":
    "{output} já existe: adicione --force para sobrescrevê-lo, ou informe --subscription para acrescentar a ele",
  "export.cannotWrite": "não é possível gravar em {output}: {reason}",
  "export.ntOnlyTriples": "a saída N-Triples é só para triples; use --format jsonl para {kind}",
  "export.cannotConnect": "não foi possível conectar a {url}: {reason}",
  "export.refused": "{url} recusou a conexão com HTTP {status}: {body}",
  "export.closed": "o gateway encerrou a conexão ({code} {reason})",
  "export.gatewayError": "o gateway informou: {message}",
  "export.stoppedByUser": "parado (Ctrl-C)",
  "export.resume":
    "execute o mesmo comando de novo para continuar de onde parou: a assinatura {subscription} guarda a posição",
  "export.resumeHint": "para continuar mais tarde de onde uma exportação parou, informe --subscription NOME",
  "export.idle": "parado: nenhum quadro em {seconds} s",
  "export.countReached": "parado após {count, plural, one {# quadro} other {# quadros}}",
  "export.reconnected": "reconectado; a assinatura {subscription} continua de onde a conexão perdida parou",
  "export.noReconnect":
    "sem --subscription uma exportação não se reconecta: uma nova conexão perderia o que chegou nesse meio-tempo; informe --subscription NOME para que ela se reconecte e continue de onde parou",
  "export.summary":
    "{frames, plural, one {# quadro gravado} other {# quadros gravados}} ({items, plural, one {# item} other {# itens}}) em {output} como {format}",
  "option.url": "endereço do gateway; vários, separados por vírgulas, são usados alternadamente quando um falha",
  "option.flow": "nome do fluxo",
  "option.kind": "tipo: triples, graph-embeddings, document-embeddings, entity-contexts ou rows",
  "option.exportKind": "tipo: triples, graph-embeddings, document-embeddings ou entity-contexts",
  "option.workspace": "espaço de trabalho",
  "option.token": "token, quando o gateway tem GATEWAY_SECRET ou GATEWAY_TOKENS_FILE definido",
  "option.inputFormat": "formato de entrada; por padrão, deduzido da extensão do arquivo",
  "option.batch": "triplas por quadro",
  "option.collection": "coleção indicada nos metadados de cada quadro",
  "option.documentId": "id do documento nos metadados de cada quadro; padrão: o nome do arquivo",
  "option.window": "máximo de quadros enviados e ainda não confirmados",
  "option.retries":
    "tentativas de reconexão após uma conexão perdida, e reenvios de um quadro que o broker não pôde aceitar naquele momento; 0 para nenhum",
  "option.exportRetries":
    "com --subscription, tentativas de reconexão após uma conexão perdida, cada uma na próxima --url; 0 para nenhuma (sem --subscription uma conexão perdida encerra a exportação)",
  "option.producer":
    "nome sob o qual o broker deduplica os quadros, para que um quadro enviado duas vezes seja guardado uma só: auto (a partir da entrada, do fluxo e do tipo), um nome ou none",
  "option.output": "arquivo de saída, ou - para a saída padrão",
  "option.force": "sobrescrever um arquivo --output existente (com --subscription e sem --force, acrescenta-se a ele)",
  "option.outputFormat": "formato de saída; por padrão nt para um arquivo .nt, senão jsonl",
  "option.subscription":
    "nome da assinatura durável: uma exportação posterior com o mesmo nome continua de onde esta parou",
  "option.from": "onde uma nova assinatura começa: agora (latest) ou na primeira mensagem do tópico (earliest)",
  "option.count": "parar após esta quantidade de quadros",
  "option.idle": "parar após este tempo sem nenhum quadro (ex.: 5s)",
  "progress.import": "quadros confirmados {acked}/{sent} · {triples, plural, one {# item} other {# itens}}",
  "progress.export":
    "{frames, plural, one {# quadro} other {# quadros}} · {triples, plural, one {# item} other {# itens}}",
  "progress.rate": "{rate} itens/s",
  "progress.eta": "faltam cerca de {seconds} s",
  "setting.GATEWAY_PORT": "porta das rotas WebSocket, /metrics, /healthz e /readyz",
  "setting.GATEWAY_HOST": "endereço em que escutar",
  "setting.GATEWAY_SECRET": "quando definido, os clientes devem enviar ?token= com este valor (senão, HTTP 401)",
  "setting.GATEWAY_TOKENS_FILE":
    "arquivo JSON de tokens, cada um com os espaços de trabalho, fluxos, tipos e direções que pode usar; relido quando muda (token desconhecido: HTTP 401; fora da concessão: 403)",
  "setting.GATEWAY_TLS_CERT_FILE":
    "certificado PEM (com a cadeia) para servir HTTPS e WSS na porta do gateway, com GATEWAY_TLS_KEY_FILE; relido quando muda",
  "setting.GATEWAY_TLS_KEY_FILE": "chave privada PEM de GATEWAY_TLS_CERT_FILE; relida quando muda",
  "setting.BROKER": "broker de mensagens: o broker embutido em memória ou o Apache Pulsar",
  "setting.PULSAR_HTTP_URL": "porta web do Pulsar (API WebSocket e API de administração), com BROKER=pulsar",
  "setting.PULSAR_ADMIN_URL":
    "API de administração do Pulsar, quando não está em PULSAR_HTTP_URL (um proxy WebSocket à parte dos brokers); por padrão PULSAR_HTTP_URL",
  "setting.PULSAR_TRANSPORT":
    "como produtores e consumidores chegam ao Pulsar: binary (o protocolo próprio na porta binária de PULSAR_URL, o mais rápido) ou websocket (a API WebSocket em PULSAR_HTTP_URL, para implantações que só alcançam a porta web, como atrás de um proxy WebSocket do Pulsar)",
  "setting.PULSAR_URL":
    "porta binária do Pulsar (pulsar://host:6650, ou pulsar+ssl:// com TLS) para PULSAR_TRANSPORT=binary; não definida: o host da API de administração na porta 6650 (pulsar+ssl:// na 6651 quando a API de administração é https); PULSAR_HTTP_URL continua sendo a API de administração",
  "setting.PULSAR_COMPRESSION":
    "como os produtores comprimem cada registro antes que ele chegue ao Pulsar: none, zstd ou zlib; o broker o armazena e o entrega comprimido, e todo cliente do Pulsar (inclusive os processadores do TrustGraph) o descomprime; custa CPU ao gateway a cada registro e economiza a maior parte da CPU do broker",
  "setting.PULSAR_PING_INTERVAL":
    "com que frequência cada sessão do Pulsar recebe um ping para que o broker não a feche por inatividade (abaixo do webSocketSessionIdleTimeoutMillis dele); 0 ou off: nunca",
  "setting.PULSAR_MAX_MESSAGE_SIZE":
    "maior registro enviado ao Pulsar, em bytes; auto: obtido do broker (maxMessageSize, webSocketMaxTextFrameSize); um quadro cujo registro seja maior é recusado, sem novas tentativas",
  "setting.PULSAR_AUTH_TOKEN":
    "token enviado ao Pulsar como 'Authorization: Bearer' em cada socket e pedido de administração",
  "setting.PULSAR_AUTH_TOKEN_FILE":
    "arquivo com o token do Pulsar, relido a cada nova conexão ao broker (segredos rotacionados)",
  "setting.PULSAR_AUTH_OAUTH2_ISSUER_URL":
    "emissor OAuth2: o gateway obtém dele um token de acesso ao Pulsar com a concessão client-credentials e o renova antes de expirar",
  "setting.PULSAR_AUTH_OAUTH2_AUDIENCE": "audiência pedida com o token de acesso OAuth2",
  "setting.PULSAR_AUTH_OAUTH2_CREDENTIALS_FILE": "arquivo JSON com o client_id e o client_secret do OAuth2",
  "setting.PULSAR_TLS_CA_FILE": "certificados PEM confiáveis para um broker https:// em vez dos do sistema",
  "setting.PULSAR_TLS_CERT_FILE": "certificado de cliente PEM para um broker que o exige, com PULSAR_TLS_KEY_FILE",
  "setting.PULSAR_TLS_KEY_FILE": "chave privada PEM de PULSAR_TLS_CERT_FILE",
  "setting.PULSAR_ENABLE_DEDUPLICATION":
    "ativar a deduplicação num namespace do Pulsar para o qual os fluxos importam onde está desativada, para que ?producer= (importações deduplicadas) seja servido ali em vez de recusado com 409",
  "setting.PULSAR_TLS_INSECURE":
    "aceita qualquer certificado e nome de host do broker: só para testes, avisado na inicialização",
  "setting.FLOWS": "nomes dos fluxos a servir, separados por vírgula (default é sempre servido)",
  "setting.FLOWS_FILE": "arquivo JSON de fluxos e de tópicos redefinidos por fluxo",
  "setting.TOPIC_TEMPLATE": "tópico da interface de um fluxo",
  "setting.MAX_FRAME_SIZE": "maior quadro que um cliente pode enviar; um maior fecha o socket com 1009",
  "setting.WS_PING_INTERVAL":
    "com que frequência os clientes recebem um ping para que proxies não fechem sockets inativos; um cliente que não responde continua conectado; 0 ou off: nunca",
  "setting.WS_READ_BUFFER_SIZE":
    "bytes de quadros recebidos em uma conexão e ainda não tratados antes que o socket dela deixe de ser lido",
  "setting.PUBLISHER_MAX_QUEUE_SIZE":
    "quadros enfileirados por conexão de importação antes que o socket deixe de ser lido",
  "setting.PUBLISHER_MAX_IN_FLIGHT": "envios por conexão de importação aguardando a confirmação do broker",
  "setting.PUBLISHER_MAX_QUEUE_BYTES":
    "bytes enfileirados por conexão de importação antes que o socket deixe de ser lido",
  "setting.PUBLISHER_MAX_IN_FLIGHT_BYTES":
    "bytes por conexão de importação enviados e aguardando a confirmação do broker",
  "setting.PUBLISHER_DRAIN_TIMEOUT": "no fechamento, tempo para enviar o que está na fila",
  "setting.PUBLISHER_FLUSH_TIMEOUT": "no fechamento, tempo de espera pelas confirmações do broker",
  "setting.SUBSCRIBER_MAX_QUEUE_SIZE": "mensagens enfileiradas por conexão de exportação",
  "setting.SUBSCRIBER_PREFETCH":
    "mensagens que o broker pode enviar antecipadamente a uma conexão de exportação além da sua fila",
  "setting.SUBSCRIBER_DRAIN_TIMEOUT": "no desligamento, tempo para entregar o que está na fila",
  "setting.SUBSCRIBER_NACK_DELAY": "atraso antes de reentregar uma mensagem devolvida ao broker",
  "setting.BACKPRESSURE_STRATEGY":
    "o que uma fila de exportação cheia faz: esperar, descartar a mensagem mais antiga ou recusar a nova",
  "setting.SHUTDOWN_GRACE_PERIOD": "tempo extra, além dos prazos de drenagem, antes de cortar as conexões abertas",
  "setting.MAX_CONSECUTIVE_ERRORS": "falhas de gravação seguidas que encerram uma exportação",
  "setting.EXPORT_DEAD_LETTER_TOPIC":
    "tópico que recebe os registros de um tópico de exportação que nenhum cliente conseguiria ler (com as propriedades origin-topic e reason); não definido: eles são confirmados e contados",
  "setting.EXPORT_MAX_UNACKED":
    "com ?ack=true numa exportação, quadros escritos para um cliente e ainda não confirmados por ele; ao atingir o limite, a escrita espera as confirmações",
  "setting.LOG_QUEUE_STATS": "registrar estatísticas das filas quando as conexões são encerradas",
  "setting.LOG_FORMAT":
    "registrar as linhas como texto (pretty, logfmt) ou como objetos JSON (json), uma linha por evento",
  "setting.LOG_LEVEL": "nível mais baixo registrado: trace, debug, info, warn, error, fatal ou none",
  "setting.METRICS_ENABLED": "servir métricas do Prometheus em /metrics"
}
