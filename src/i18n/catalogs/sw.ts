/** Swahili messages of the command line (see en.ts for the reference catalog). */
import type { Catalog } from "../messages.ts"

export const catalog: Catalog = {
  "cli.usage": "Matumizi: tg-gateway <amri> [chaguo]",
  "cli.commands": "Amri:",
  "cli.command.serve": "endesha lango (kuingiza/kutoa kwa WebSocket ⇄ dalali)",
  "cli.command.import": "ingiza faili (N-Triples, Turtle au fremu za JSON Lines) kupitia soketi ya kuingiza",
  "cli.command.export": "toa kutoka soketi ya kutoa hadi faili (fremu za JSON Lines au N-Triples)",
  "cli.options": "Chaguo:",
  "cli.option.help": "onyesha msaada huu",
  "cli.option.version": "onyesha toleo",
  "cli.option.lang":
    "lugha ya ujumbe (en, es, sw, pt, tr, hi, he, ar, zh, ru); chaguo-msingi kutoka LANGUAGE, LC_ALL, LC_MESSAGES au LANG",
  "cli.seeHelp": "Endesha 'tg-gateway {command} --help' kuona chaguo zake.",
  "cli.unknownCommand": 'amri isiyojulikana "{command}"',
  "cli.unknownFlag": "chaguo lisilojulikana {flag} kwa '{command}'",
  "cli.missingValue": "chaguo --{flag} linahitaji thamani",
  "cli.repeatedFlag": "chaguo --{flag} limetolewa zaidi ya mara moja",
  "cli.badValue": 'chaguo --{flag} halikubali thamani "{value}"',
  "cli.didYouMean": "ulimaanisha {names}?",
  "cli.badUrl":
    '"{url}" si anwani ya lango: toa ws://HOST:PORT, au http://HOST:PORT kama --api-url ya trustgraph-cli inavyoipokea',
  "cli.notRunning":
    "hakuna kinachosikiliza kwenye {address} (muunganisho wa {url} umekataliwa): je, 'tg-gateway serve' inaendeshwa huko?",
  "cli.unknownLanguage": 'lugha isiyojulikana "{lang}"; Kiingereza kinatumika',
  "cli.default": "chaguo-msingi: {value}",
  "cli.unset": "haijawekwa",
  "cli.env": "kigezo cha mazingira {name}",
  "cli.stdout": "towe la kawaida",
  "problem.notDuration": '"{text}" si muda (mifano: 5, 2.5s, 500ms, 1m)',
  "problem.notInteger": '"{text}" si namba kamili kati ya {min} na {max}',
  "problem.notBytes": '"{text}" si ukubwa kwa baiti (mifano: 1048576, 64KiB, 50MiB)',
  "problem.notBoolean": '"{text}" si true wala false',
  "problem.notChoice": '"{text}" si mojawapo ya {choices}',
  "problem.notHttpUrl": '"{text}" si URL ya http:// au https://',
  "problem.notPulsarUrl": '"{text}" si URL ya pulsar:// au pulsar+ssl:// (mfano: pulsar://127.0.0.1:6650)',
  "problem.notUrl": '"{text}" si URL',
  "problem.topicTemplate": '"{text}" lazima iwe na {interface} (na kwa kawaida {workspace} na {flow})',
  "problem.flowName": "jina la mtiririko \"{name}\" linaweza kutumia herufi, tarakimu, '.', '_' na '-' pekee",
  "problem.notPositive": '"{text}" si namba kamili chanya',
  "problem.badProducerName":
    "\"{text}\" si auto, none wala jina la mzalishaji (herufi, tarakimu, '.', '_' au '-' kuanzia 1 hadi 128)",
  "config.invalid": "hitilafu ya usanidi katika {source}: {problem}",
  "config.fix":
    "Rekebisha mpangilio ulio juu kisha uanzishe tena; 'tg-gateway serve --help' inaorodhesha kila mpangilio.",
  "serve.usage": "Matumizi: tg-gateway serve [chaguo]",
  "serve.noArguments": "serve haipokei hoja (ziada: {extra}); mipangilio ni machaguo, kama --broker pulsar",
  "serve.title":
    "Endesha lango. Kila chaguo linaweza pia kuwekwa kwa kigezo cha mazingira kilichoonyeshwa; chaguo lililo kwenye mstari wa amri ndilo hutumika.",
  "serve.forced": "kuzima kwa lazima: {what}",
  "serve.stopped": "imesimama: miunganisho yote imemaliza kazi iliyokuwa ikisubiri",
  "import.usage": "Matumizi: tg-gateway import [machaguo] <faili>... | -",
  "import.title":
    "Ingiza N-Triples (.nt), Turtle (.ttl) au JSON Lines za fremu zilizo tayari (.jsonl) kupitia soketi ya kuingiza. Kila fremu huthibitishwa na lango; muunganisho ukikatika, fremu ambazo hazijathibitishwa hutumwa tena.",
  "import.exitCodes":
    "Misimbo ya kutoka: 0 kila kitu kimefika; 1 baadhi ya fremu hazikufika; 2 kosa la matumizi; 3 ingizo halikuweza kuchanganuliwa (muhtasari unaeleza kilichofika); 130 imekatizwa.",
  "import.noInput": "hakuna ingizo: taja faili, au - kwa ingizo sanifu",
  "import.noSuchFile": "hakuna faili kama hilo: {input}",
  "import.cannotRead": "haiwezi kusoma {input}: {reason}",
  "import.notAFile": "{input} si faili",
  "import.stdinAlone": "ingizo la kawaida (-) haliwezi kuchanganywa na faili",
  "import.unknownFormat": "haiwezekani kutambua umbizo la {input}: tumia --format nt, ttl au jsonl",
  "import.rdfOnlyTriples": "N-Triples na Turtle huwa fremu za triples; --kind {kind} inahitaji --format jsonl",
  "import.cannotConnect": "haiwezi kuunganisha na {url}: {reason}",
  "import.dropped": "muunganisho umekatika ({code} {reason})",
  "import.reconnectingTo": "inaunganisha tena na {url} (jaribio {attempt} kati ya {of})",
  "import.resuming": "fremu {frame} haikuhifadhiwa: inaendelea kuanzia hapo kwa muunganisho mpya",
  "import.atLeastOnce":
    "uondoaji wa nakala umezimwa katika namespace ya mtiririko huu: fremu iliyotumwa tena baada ya muunganisho kupotea inaweza kuhifadhiwa mara mbili; iwashe (PULSAR_ENABLE_DEDUPLICATION=true kwenye lango) kwa mara moja kamili, au toa --producer none",
  "import.duplicates": "fremu {duplicates} zilikuwa tayari kwenye mada (mzalishaji {producer}) na hazikuhifadhiwa tena",
  "import.interruptedResumable":
    "imekatizwa: fremu {unacked} zimetumwa bila kuthibitishwa, na sehemu iliyobaki ya ingizo haijatumwa; endesha amri ileile tena kumaliza: kilichofika kinatambuliwa (mzalishaji {producer}) na hakihifadhiwi mara mbili",
  "import.reconnecting": "inaunganisha upya (jaribio {attempt} kati ya {of})",
  "import.reconnected":
    "imeunganishwa upya; inatuma tena {unacked, plural, one {fremu # ambayo haijathibitishwa} other {fremu # ambazo hazijathibitishwa}}",
  "import.gaveUp":
    "imesitisha baada ya {attempts, plural, one {jaribio # la kuunganisha upya} other {majaribio # ya kuunganisha upya}}",
  "import.refused": "fremu {frame} ({origin}) imekataliwa na lango: {message}",
  "import.stillRefused":
    "fremu {frame} ({origin}) bado haijapokelewa baada ya {attempts, plural, one {jaribio #} other {majaribio #}}: {message}",
  "import.tooBig":
    "fremu {frame} ({origin}, baiti {bytes}) ni kubwa kuliko lango linavyokubali (lilifunga muunganisho kwa 1009): tuma fremu ndogo zaidi (--batch ndogo zaidi, au mistari mifupi ya JSON), au ongeza MAX_FRAME_SIZE ya lango",
  "import.originLine": "{file} mstari {line}",
  "import.originTriples": "{file}, kauli {first}–{last}",
  "import.summary":
    "fremu {acked} kati ya {frames} zimethibitishwa ({items, plural, one {kipengee #} other {vipengee #}}) kwa mtiririko {flow} ({kind}) ndani ya sekunde {seconds}",
  "import.parseError": "{where}: hitilafu ya uchanganuzi: {problem}",
  "import.parseLanded": "kila kitu kabla ya mstari {line} kimefika; hakuna kitu kuanzia mstari huo kilichotumwa",
  "import.parseStopped": "hakuna kitu kuanzia mstari {line} kilichotumwa",
  "import.interrupted":
    "imekatizwa: fremu {unacked} zimetumwa lakini hazijathibitishwa, na ingizo lililobaki halijatumwa; endesha amri hiyo hiyo tena ili kuingiza yote (kilichofika kitatumwa tena)",
  "import.notLanded": "si kila kitu kimefika: fremu {unacked} hazijathibitishwa, {refused} zimekataliwa",
  "import.allLanded": "kila kitu kimefika",
  "export.usage": "Matumizi: tg-gateway export [chaguo]",
  "export.title":
    "Toa kutoka soketi ya kutoa kama JSON Lines za fremu, au kama N-Triples kwa triples. Husimama baada ya fremu --count, baada ya --idle bila fremu, au kwa Ctrl-C, na kila kilichopokelewa huandikwa.",
  "export.exitCodes":
    "Misimbo ya kutoka: 0 imesimama kama ilivyoombwa au kwa sababu lango limezimwa; 1 muunganisho umekataliwa au umepotea; 2 hitilafu ya matumizi.",
  "export.noPositionals": "export haipokei hoja ya faili (tumia --output): {extra}",
  "export.outputExists":
    "{output} tayari lipo: ongeza --force ili kuliandika upya, au toa --subscription ili kuongeza ndani yake",
  "export.cannotWrite": "haiwezi kuandika kwenye {output}: {reason}",
  "export.ntOnlyTriples": "matokeo ya N-Triples ni kwa triples pekee; tumia --format jsonl kwa {kind}",
  "export.cannotConnect": "haiwezi kuunganisha na {url}: {reason}",
  "export.refused": "{url} imekataa muunganisho kwa HTTP {status}: {body}",
  "export.closed": "lango limefunga muunganisho ({code} {reason})",
  "export.gatewayError": "lango liliripoti: {message}",
  "export.stoppedByUser": "imesimamishwa (Ctrl-C)",
  "export.resume":
    "endesha amri hiyo hiyo tena ili kuendelea pale ilipoishia: usajili {subscription} unahifadhi mahali",
  "export.resumeHint": "ili kuendelea baadaye pale uhamishaji ulipoishia, upe --subscription JINA",
  "export.idle": "imesimama: hakuna fremu kwa sekunde {seconds}",
  "export.countReached": "imesimama baada ya fremu {count}",
  "export.reconnected": "imeunganishwa tena; usajili {subscription} unaendelea pale muunganisho uliokatika ulipoishia",
  "export.noReconnect":
    "bila --subscription uhamishaji hauunganishi tena: muunganisho mpya ungekosa kilichofika katikati; upe --subscription JINA ili uunganishe tena na kuendelea pale ulipoishia",
  "export.summary":
    "fremu {frames} ({items, plural, one {kipengee #} other {vipengee #}}) zimeandikwa kwenye {output} kama {format}",
  "option.url": "anwani ya lango; kadhaa, zikitenganishwa kwa koma, hutumika kwa zamu moja inaposhindwa",
  "option.flow": "jina la mtiririko",
  "option.kind": "aina: triples, graph-embeddings, document-embeddings, entity-contexts au rows",
  "option.exportKind": "aina: triples, graph-embeddings, document-embeddings au entity-contexts",
  "option.workspace": "eneo la kazi",
  "option.token": "tokeni, lango likiwa limewekewa GATEWAY_SECRET au GATEWAY_TOKENS_FILE",
  "option.inputFormat": "umbizo la ingizo; kwa chaguo-msingi hutokana na kiendelezi cha faili",
  "option.batch": "triples kwa kila fremu",
  "option.collection": "mkusanyiko unaotajwa katika metadata ya kila fremu",
  "option.documentId": "kitambulisho cha hati katika metadata ya kila fremu; chaguo-msingi: jina la faili",
  "option.window": "idadi ya juu ya fremu zilizotumwa ambazo bado hazijathibitishwa",
  "option.retries":
    "majaribio ya kuunganisha upya baada ya muunganisho kukatika, na kutuma tena fremu ambayo broker haikuweza kuipokea wakati huo; 0 kwa hakuna",
  "option.exportRetries":
    "kwa --subscription, majaribio ya kuunganisha upya baada ya muunganisho kukatika, kila moja kwa --url inayofuata; 0 kwa hakuna (bila --subscription muunganisho uliokatika humaliza uhamishaji)",
  "option.producer":
    "jina ambalo broker huondolea nakala za fremu, ili fremu iliyotumwa mara mbili ihifadhiwe mara moja: auto (kutoka kwa ingizo, mtiririko na aina), jina, au none",
  "option.output": "faili la matokeo, au - kwa matokeo sanifu",
  "option.force": "andika upya faili la --output lililopo (kwa --subscription bila --force, linaongezewa)",
  "option.outputFormat": "umbizo la matokeo; kwa chaguo-msingi nt kwa faili la .nt, vinginevyo jsonl",
  "option.subscription":
    "jina la usajili wa kudumu: export ya baadaye yenye jina hilo hilo huendelea pale hii ilipoishia",
  "option.from": "mahali usajili mpya unapoanzia: sasa (latest) au kwenye ujumbe wa kwanza wa mada (earliest)",
  "option.count": "simama baada ya idadi hii ya fremu",
  "option.idle": "simama baada ya muda huu bila fremu (mf. 5s)",
  "progress.import": "fremu {acked}/{sent} zimethibitishwa · {triples, plural, one {kipengee #} other {vipengee #}}",
  "progress.export": "fremu {frames} · {triples, plural, one {kipengee #} other {vipengee #}}",
  "progress.rate": "vipengee {rate}/s",
  "progress.eta": "zimebaki takriban sekunde {seconds}",
  "setting.GATEWAY_PORT": "bandari ya njia za WebSocket, /metrics, /healthz na /readyz",
  "setting.GATEWAY_HOST": "anwani ya kusikiliza",
  "setting.GATEWAY_SECRET": "ikiwekwa, wateja lazima watume ?token= yenye thamani hii (vinginevyo HTTP 401)",
  "setting.GATEWAY_TOKENS_FILE":
    "faili la JSON la tokeni, kila moja na maeneo ya kazi, mitiririko, aina na mielekeo inayoruhusiwa kutumia; husomwa upya linapobadilika (tokeni isiyojulikana: HTTP 401; nje ya ruhusa yake: 403)",
  "setting.GATEWAY_TLS_CERT_FILE":
    "cheti cha PEM (pamoja na mnyororo wake) cha kuhudumia HTTPS na WSS kwenye bandari ya lango, pamoja na GATEWAY_TLS_KEY_FILE; husomwa upya kinapobadilika",
  "setting.GATEWAY_TLS_KEY_FILE": "ufunguo binafsi wa PEM wa GATEWAY_TLS_CERT_FILE; husomwa upya unapobadilika",
  "setting.BROKER": "dalali wa ujumbe: dalali aliyejengwa ndani anayetumia kumbukumbu pekee, au Apache Pulsar",
  "setting.PULSAR_HTTP_URL":
    "bandari ya wavuti ya Pulsar (API ya WebSocket na API ya usimamizi), pamoja na BROKER=pulsar",
  "setting.PULSAR_ADMIN_URL":
    "API ya usimamizi ya Pulsar, isipokuwa kwenye PULSAR_HTTP_URL (proksi ya WebSocket inayoendeshwa kando na broker); chaguo-msingi PULSAR_HTTP_URL",
  "setting.PULSAR_TRANSPORT":
    "jinsi wazalishaji na watumiaji wanavyofikia Pulsar: binary (itifaki yake yenyewe kwenye bandari ya binary ya PULSAR_URL, njia ya haraka zaidi) au websocket (API yake ya WebSocket kwenye PULSAR_HTTP_URL, kwa usambazaji unaofikia bandari ya wavuti tu, kama nyuma ya proksi ya WebSocket ya Pulsar)",
  "setting.PULSAR_URL":
    "bandari ya binary ya Pulsar (pulsar://host:6650, au pulsar+ssl:// juu ya TLS) kwa PULSAR_TRANSPORT=binary; isipowekwa: seva ya API ya usimamizi kwenye bandari 6650 (pulsar+ssl:// kwenye 6651 API ya usimamizi ikiwa https); PULSAR_HTTP_URL hubaki API ya usimamizi",
  "setting.PULSAR_COMPRESSION":
    "jinsi wazalishaji wanavyobana kila rekodi kabla haijamfikia Pulsar: none, zstd au zlib; dalali huihifadhi na kuiwasilisha ikiwa imebanwa, na kila mteja wa Pulsar (vichakataji vya TrustGraph vikiwemo) huiondolea mbano; hugharimu lango CPU kwa kila rekodi na huokoa sehemu kubwa ya CPU ya dalali",
  "setting.PULSAR_PING_INTERVAL":
    "mara ngapi kila kikao cha Pulsar kinatumiwa ping ili broker isikifunge kwa kukaa bila kazi (chini ya webSocketSessionIdleTimeoutMillis yake); 0 au off: kamwe",
  "setting.PULSAR_MAX_MESSAGE_SIZE":
    "rekodi kubwa zaidi inayotumwa kwa Pulsar, kwa baiti; auto: hupatikana kutoka kwa dalali (maxMessageSize, webSocketMaxTextFrameSize); fremu ambayo rekodi yake ni kubwa zaidi hukataliwa, bila kujaribiwa tena",
  "setting.PULSAR_AUTH_TOKEN":
    "tokeni inayotumwa kwa Pulsar kama 'Authorization: Bearer' kwenye kila soketi na ombi la usimamizi",
  "setting.PULSAR_AUTH_TOKEN_FILE":
    "faili lenye tokeni ya Pulsar, husomwa upya kwa kila muunganisho mpya wa broker (siri zinazozungushwa)",
  "setting.PULSAR_AUTH_OAUTH2_ISSUER_URL":
    "mtoaji wa OAuth2: lango hupata kwake tokeni ya kufikia Pulsar kwa ruhusa ya client-credentials na huifanya upya kabla haijaisha muda",
  "setting.PULSAR_AUTH_OAUTH2_AUDIENCE": "hadhira inayoombwa pamoja na tokeni ya kufikia ya OAuth2",
  "setting.PULSAR_AUTH_OAUTH2_CREDENTIALS_FILE": "faili la JSON lenye client_id na client_secret za OAuth2",
  "setting.PULSAR_TLS_CA_FILE": "vyeti vya PEM vinavyoaminiwa kwa broker ya https:// badala ya vile vya mfumo",
  "setting.PULSAR_TLS_CERT_FILE": "cheti cha mteja cha PEM kwa broker inayokihitaji, pamoja na PULSAR_TLS_KEY_FILE",
  "setting.PULSAR_TLS_KEY_FILE": "ufunguo binafsi wa PEM wa PULSAR_TLS_CERT_FILE",
  "setting.PULSAR_ENABLE_DEDUPLICATION":
    "washa uondoaji wa nakala kwenye nafasi ya majina ya Pulsar ambayo mitiririko huingiza data ikiwa umezimwa, ili ?producer= (uingizaji bila nakala) uhudumiwe hapo badala ya kukataliwa kwa 409",
  "setting.PULSAR_TLS_INSECURE":
    "kubali cheti chochote na jina lolote la mwenyeji la broker: kwa majaribio tu, huonywa wakati wa kuanza",
  "setting.FLOWS": "majina ya mitiririko ya kuhudumia, yakitenganishwa kwa koma (default huhudumiwa kila wakati)",
  "setting.FLOWS_FILE": "faili la JSON la mitiririko na ubatilishaji wa mada kwa kila mtiririko",
  "setting.TOPIC_TEMPLATE": "mada ya kiolesura cha mtiririko",
  "setting.MAX_FRAME_SIZE": "fremu kubwa zaidi ambayo mteja anaweza kutuma; iliyo kubwa zaidi hufunga soketi kwa 1009",
  "setting.WS_PING_INTERVAL":
    "mara ngapi wateja wanatumiwa ping ili proksi zisifunge soketi zisizo na shughuli; mteja asiyejibu anabaki ameunganishwa; 0 au off: kamwe",
  "setting.WS_READ_BUFFER_SIZE":
    "baiti za fremu zilizopokelewa kwenye muunganisho ambazo bado hazijashughulikiwa, kabla soketi yake haijaacha kusomwa",
  "setting.PUBLISHER_MAX_QUEUE_SIZE":
    "fremu zilizo kwenye foleni kwa kila muunganisho wa kuingiza kabla soketi haijaacha kusomwa",
  "setting.PUBLISHER_MAX_IN_FLIGHT": "utumaji kwa kila muunganisho wa kuingiza unaosubiri uthibitisho wa dalali",
  "setting.PUBLISHER_MAX_QUEUE_BYTES":
    "baiti zilizo kwenye foleni kwa kila muunganisho wa kuingiza kabla soketi haijaacha kusomwa",
  "setting.PUBLISHER_MAX_IN_FLIGHT_BYTES":
    "baiti kwa kila muunganisho wa kuingiza zilizotumwa na zinazosubiri uthibitisho wa dalali",
  "setting.PUBLISHER_DRAIN_TIMEOUT": "wakati wa kufunga, muda wa kutuma kilicho kwenye foleni",
  "setting.PUBLISHER_FLUSH_TIMEOUT": "wakati wa kufunga, muda wa kusubiri uthibitisho wa dalali",
  "setting.SUBSCRIBER_MAX_QUEUE_SIZE": "jumbe zilizo kwenye foleni kwa kila muunganisho wa kutoa",
  "setting.SUBSCRIBER_PREFETCH":
    "jumbe ambazo dalali anaweza kusukuma mapema kwa muunganisho wa kutoa kabla ya foleni yake",
  "setting.SUBSCRIBER_DRAIN_TIMEOUT": "wakati wa kuzima, muda wa kuwasilisha kilicho kwenye foleni",
  "setting.SUBSCRIBER_NACK_DELAY": "muda wa kusubiri kabla ujumbe uliorudishwa kwa dalali haujawasilishwa tena",
  "setting.BACKPRESSURE_STRATEGY":
    "kile ambacho foleni ya kutoa iliyojaa hufanya: kusubiri, kutupa ujumbe wa zamani zaidi, au kukataa mpya",
  "setting.SHUTDOWN_GRACE_PERIOD":
    "muda wa ziada baada ya muda wa kumaliza foleni kabla miunganisho iliyo wazi haijakatwa",
  "setting.MAX_CONSECUTIVE_ERRORS": "idadi ya uandishi ulioshindwa mfululizo ambayo hukomesha utoaji",
  "setting.EXPORT_DEAD_LETTER_TOPIC":
    "mada inayopokea rekodi zilizo kwenye mada ya utoaji ambazo hakuna mteja angeweza kuzisoma (zikiwa na sifa origin-topic na reason); ikiwa haijawekwa: huthibitishwa na kuhesabiwa",
  "setting.EXPORT_MAX_UNACKED":
    "kwa ?ack=true kwenye utoaji, fremu zilizoandikwa kwa mteja ambazo bado hajazithibitisha; kikomo kikifikiwa, uandishi husubiri uthibitisho wake",
  "setting.LOG_QUEUE_STATS": "rekodi takwimu za foleni miunganisho inapofungwa",
  "setting.LOG_FORMAT":
    "andika mistari ya kumbukumbu kama maandishi (pretty, logfmt) au kama vitu vya JSON (json), mstari mmoja kwa kila tukio",
  "setting.LOG_LEVEL": "kiwango cha chini kabisa kinachorekodiwa: trace, debug, info, warn, error, fatal au none",
  "setting.METRICS_ENABLED": "hudumia vipimo vya Prometheus kwenye /metrics"
}
