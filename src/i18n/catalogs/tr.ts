/** Turkish messages of the command line (see en.ts for the reference catalog). */
import type { Catalog } from "../messages.ts"

export const catalog: Catalog = {
  "cli.usage": "Kullanım: tg-gateway <komut> [seçenekler]",
  "cli.commands": "Komutlar:",
  "cli.command.serve": "ağ geçidini çalıştırır (WebSocket ile içe/dışa aktarma ⇄ broker)",
  "cli.command.import":
    "bir dosyayı (N-Triples, Turtle veya JSON Lines çerçeveleri) bir içe aktarma soketi üzerinden içe aktarır",
  "cli.command.export": "bir dışa aktarma soketinden bir dosyaya dışa aktarır (JSON Lines çerçeveleri veya N-Triples)",
  "cli.options": "Seçenekler:",
  "cli.option.help": "bu yardımı gösterir",
  "cli.option.version": "sürümü gösterir",
  "cli.option.lang":
    "mesajların dili (en, es, sw, pt, tr, hi, he, ar, zh, ru); varsayılan LANGUAGE, LC_ALL, LC_MESSAGES veya LANG'den",
  "cli.seeHelp": "Seçenekleri için 'tg-gateway {command} --help' komutunu çalıştırın.",
  "cli.unknownCommand": 'bilinmeyen komut "{command}"',
  "cli.unknownFlag": "'{command}' için bilinmeyen seçenek {flag}",
  "cli.missingValue": "--{flag} seçeneği bir değer gerektirir",
  "cli.repeatedFlag": "--{flag} seçeneği birden fazla kez verildi",
  "cli.badValue": '--{flag} seçeneği "{value}" değerini almaz',
  "cli.didYouMean": "{names} mi demek istediniz?",
  "cli.badUrl":
    '"{url}" bir ağ geçidi adresi değil: ws://SUNUCU:PORT ya da trustgraph-cli --api-url\'nin aldığı gibi http://SUNUCU:PORT verin',
  "cli.notRunning":
    "{address} adresinde dinleyen yok ({url} için bağlantı reddedildi): orada 'tg-gateway serve' çalışıyor mu?",
  "cli.unknownLanguage": 'bilinmeyen dil "{lang}"; İngilizce kullanılıyor',
  "cli.default": "varsayılan: {value}",
  "cli.unset": "ayarlanmamış",
  "cli.env": "ortam değişkeni {name}",
  "cli.stdout": "standart çıktı",
  "problem.notDuration": '"{text}" bir süre değil (örnekler: 5, 2.5s, 500ms, 1m)',
  "problem.notInteger": '"{text}", {min} ile {max} arasında bir tam sayı değil',
  "problem.notBytes": '"{text}" bayt cinsinden bir boyut değil (örnekler: 1048576, 64KiB, 50MiB)',
  "problem.notBoolean": '"{text}" true veya false değil',
  "problem.notChoice": '"{text}" şunlardan biri değil: {choices}',
  "problem.notHttpUrl": '"{text}" bir http:// veya https:// URL\'si değil',
  "problem.notPulsarUrl": '"{text}" bir pulsar:// veya pulsar+ssl:// URL\'si değil (örnek: pulsar://127.0.0.1:6650)',
  "problem.notUrl": '"{text}" bir URL değil',
  "problem.topicTemplate": '"{text}" {interface} içermelidir (genellikle {workspace} ve {flow} da)',
  "problem.flowName": "\"{name}\" akış adı yalnızca harf, rakam, '.', '_' ve '-' içerebilir",
  "problem.notPositive": '"{text}" pozitif bir tam sayı değil',
  "problem.badProducerName":
    "\"{text}\" auto, none ya da bir üretici adı değil (1 ile 128 arası harf, rakam, '.', '_' veya '-')",
  "config.invalid": "{source} içinde yapılandırma hatası: {problem}",
  "config.fix": "Yukarıdaki ayarı düzeltip yeniden başlatın; 'tg-gateway serve --help' tüm ayarları listeler.",
  "serve.usage": "Kullanım: tg-gateway serve [seçenekler]",
  "serve.noArguments": "serve argüman almaz (fazladan: {extra}); ayarlar --broker pulsar gibi seçeneklerdir",
  "serve.title":
    "Ağ geçidini çalıştırır. Her seçenek, yanında gösterilen ortam değişkeniyle de ayarlanabilir; komut satırındaki seçenek önceliklidir.",
  "serve.forced": "kapatma zorlandı: {what}",
  "serve.stopped": "durduruldu: tüm bağlantılar boşaltıldı",
  "import.usage": "Kullanım: tg-gateway import [seçenekler] <dosya>... | -",
  "import.title":
    "N-Triples (.nt), Turtle (.ttl) veya hazır çerçevelerden oluşan JSON Lines (.jsonl) verisini bir içe aktarma soketi üzerinden içe aktarır. Ağ geçidi her çerçeveyi onaylar; bağlantı koptuktan sonra onaylanmamış çerçeveler yeniden gönderilir.",
  "import.exitCodes":
    "Çıkış kodları: 0 her şey teslim edildi; 1 bazı çerçeveler teslim edilmedi; 2 kullanım hatası; 3 girdi ayrıştırılamadı (özet neyin teslim edildiğini söyler); 130 kesildi.",
  "import.noInput": "girdi yok: bir dosya verin ya da standart girdi için - kullanın",
  "import.noSuchFile": "böyle bir dosya yok: {input}",
  "import.cannotRead": "{input} okunamıyor: {reason}",
  "import.notAFile": "{input} bir dosya değil",
  "import.stdinAlone": "standart girdi (-) dosyalarla birlikte kullanılamaz",
  "import.unknownFormat": "{input} için biçim belirlenemiyor: --format nt, ttl veya jsonl kullanın",
  "import.rdfOnlyTriples":
    "N-Triples ve Turtle, triples çerçevelerine dönüştürülür; --kind {kind} için --format jsonl gerekir",
  "import.cannotConnect": "{url} adresine bağlanılamıyor: {reason}",
  "import.dropped": "bağlantı koptu ({code} {reason})",
  "import.reconnectingTo": "{url} adresine yeniden bağlanılıyor (deneme {attempt}/{of})",
  "import.resuming": "{frame}. çerçeve saklanmadı: yeni bir bağlantıda ondan devam ediliyor",
  "import.atLeastOnce":
    "bu akışın ad alanında tekilleştirme kapalı: kopan bağlantıdan sonra yeniden gönderilen bir çerçeve iki kez saklanabilir; tam bir kez için açın (ağ geçidinde PULSAR_ENABLE_DEDUPLICATION=true) ya da --producer none verin",
  "import.duplicates": "{duplicates} çerçeve konuda zaten vardı (üretici {producer}) ve yeniden saklanmadı",
  "import.interruptedResumable":
    "kesildi: {unacked} çerçeve gönderildi ama onaylanmadı, girdinin kalanı gönderilmedi; bitirmek için aynı komutu yeniden çalıştırın: ulaşanlar tanınır (üretici {producer}) ve iki kez saklanmaz",
  "import.reconnecting": "yeniden bağlanılıyor (deneme {attempt}/{of})",
  "import.reconnected": "yeniden bağlanıldı; onaylanmamış {unacked} çerçeve yeniden gönderiliyor",
  "import.gaveUp": "{attempts} yeniden bağlanma denemesinden sonra vazgeçildi",
  "import.refused": "{frame} numaralı çerçeve ({origin}) ağ geçidi tarafından reddedildi: {message}",
  "import.stillRefused":
    "{frame} numaralı çerçeve ({origin}) {attempts} denemeden sonra hâlâ kabul edilmedi: {message}",
  "import.tooBig":
    "{frame} numaralı çerçeve ({origin}, {bytes} bayt) ağ geçidinin kabul ettiğinden büyük (bağlantıyı 1009 ile kapattı): daha küçük çerçeveler gönderin (daha küçük --batch ya da daha kısa JSON satırları) veya ağ geçidinin MAX_FRAME_SIZE değerini artırın",
  "import.originLine": "{file} satır {line}",
  "import.originTriples": "{file}, üçlüler {first}–{last}",
  "import.summary":
    "{flow} akışına ({kind}) gönderilen {frames} çerçeveden {acked} tanesi {seconds} s içinde onaylandı ({items} öğe)",
  "import.parseError": "{where}: ayrıştırma hatası: {problem}",
  "import.parseLanded": "{line}. satırdan öncesi teslim edildi; o satırdan sonrası gönderilmedi",
  "import.parseStopped": "{line}. satırdan itibaren hiçbir şey gönderilmedi",
  "import.interrupted":
    "kesildi: {unacked} çerçeve gönderildi ancak onaylanmadı, girdinin geri kalanı gönderilmedi; hepsini içe aktarmak için aynı komutu yeniden çalıştırın (teslim edilenler yeniden gönderilir)",
  "import.notLanded": "her şey teslim edilmedi: {unacked} çerçeve onaylanmadı, {refused} çerçeve reddedildi",
  "import.allLanded": "her şey teslim edildi",
  "export.usage": "Kullanım: tg-gateway export [seçenekler]",
  "export.title":
    "Bir dışa aktarma soketinden JSON Lines çerçeveleri olarak ya da triples için N-Triples olarak dışa aktarır. --count çerçeveden sonra, --idle süresince hiç çerçeve gelmezse veya Ctrl-C ile durur; alınan her şey yazılmış olur.",
  "export.exitCodes":
    "Çıkış kodları: 0 istendiği gibi ya da ağ geçidinin kapanmasıyla durdu; 1 bağlantı reddedildi veya koptu; 2 kullanım hatası.",
  "export.noPositionals": "export dosya argümanı almaz (--output kullanın): {extra}",
  "export.outputExists":
    "{output} zaten var: üzerine yazmak için --force ekleyin ya da sonuna eklemek için --subscription verin",
  "export.cannotWrite": "{output} dosyasına yazılamıyor: {reason}",
  "export.ntOnlyTriples": "N-Triples çıktısı yalnızca triples içindir; {kind} için --format jsonl kullanın",
  "export.cannotConnect": "{url} adresine bağlanılamıyor: {reason}",
  "export.refused": "{url} bağlantıyı HTTP {status} ile reddetti: {body}",
  "export.closed": "ağ geçidi bağlantıyı kapattı ({code} {reason})",
  "export.gatewayError": "ağ geçidi şunu bildirdi: {message}",
  "export.stoppedByUser": "durduruldu (Ctrl-C)",
  "export.resume":
    "kaldığı yerden devam etmek için aynı komutu yeniden çalıştırın: {subscription} aboneliği yeri tutar",
  "export.resumeHint": "bir dışa aktarmaya daha sonra kaldığı yerden devam etmek için ona --subscription AD verin",
  "export.idle": "durduruldu: {seconds} s boyunca hiç çerçeve gelmedi",
  "export.countReached": "{count} çerçeveden sonra durduruldu",
  "export.reconnected": "yeniden bağlanıldı; {subscription} aboneliği kopan bağlantının kaldığı yerden devam ediyor",
  "export.noReconnect":
    "--subscription olmadan dışa aktarma yeniden bağlanmaz: yeni bir bağlantı aradan gelenleri kaçırırdı; yeniden bağlanıp kaldığı yerden devam etmesi için ona --subscription AD verin",
  "export.summary": "{frames} çerçeve ({items} öğe) {format} biçiminde yazıldı: {output}",
  "option.url": "ağ geçidi adresi; virgülle ayrılmış birkaç adres, biri başarısız olunca sırayla kullanılır",
  "option.flow": "akış adı",
  "option.kind": "tür: triples, graph-embeddings, document-embeddings, entity-contexts veya rows",
  "option.exportKind": "tür: triples, graph-embeddings, document-embeddings veya entity-contexts",
  "option.workspace": "çalışma alanı",
  "option.token": "erişim belirteci; ağ geçidinde GATEWAY_SECRET veya GATEWAY_TOKENS_FILE ayarlıysa gerekir",
  "option.inputFormat": "girdi biçimi; varsayılan olarak dosya uzantısından belirlenir",
  "option.batch": "çerçeve başına üçlü sayısı",
  "option.collection": "her çerçevenin üst verisinde belirtilen koleksiyon",
  "option.documentId": "her çerçevenin üst verisindeki belge kimliği; varsayılan: dosyanın adı",
  "option.window": "gönderilmiş ancak henüz onaylanmamış en fazla çerçeve sayısı",
  "option.retries":
    "kopan bir bağlantıdan sonra yeniden bağlanma denemeleri ve aracının o an alamadığı bir çerçevenin yeniden gönderimleri; hiç için 0",
  "option.exportRetries":
    "--subscription ile, kopan bir bağlantıdan sonra her biri sıradaki --url adresine yapılan yeniden bağlanma denemeleri; hiç için 0 (--subscription olmadan kopan bir bağlantı dışa aktarmayı bitirir)",
  "option.producer":
    "aracının çerçeveleri tekilleştirdiği ad; iki kez gönderilen çerçeve bir kez saklanır: auto (girdiden, akıştan ve türden), bir ad ya da none",
  "option.output": "çıktı dosyası ya da standart çıktı için -",
  "option.force":
    "var olan bir --output dosyasının üzerine yaz (--subscription ile ve --force olmadan dosyanın sonuna eklenir)",
  "option.outputFormat": "çıktı biçimi; varsayılan olarak .nt dosyası için nt, diğerleri için jsonl",
  "option.subscription":
    "kalıcı abonelik adı: aynı adla yapılan sonraki bir dışa aktarma, bu aktarmanın durduğu yerden devam eder",
  "option.from": "yeni bir aboneliğin başlangıç noktası: şimdi (latest) veya konunun ilk mesajı (earliest)",
  "option.count": "bu sayıda çerçeveden sonra dur",
  "option.idle": "bu süre boyunca hiç çerçeve gelmezse dur (ör. 5s)",
  "progress.import": "onaylanan çerçeve {acked}/{sent} · {triples} öğe",
  "progress.export": "{frames} çerçeve · {triples} öğe",
  "progress.rate": "{rate} öğe/s",
  "progress.eta": "yaklaşık {seconds} s kaldı",
  "setting.GATEWAY_PORT": "WebSocket yolları, /metrics, /healthz ve /readyz için port",
  "setting.GATEWAY_HOST": "dinlenecek adres",
  "setting.GATEWAY_SECRET": "ayarlıysa istemciler bu değerle ?token= göndermelidir (aksi hâlde HTTP 401)",
  "setting.GATEWAY_TOKENS_FILE":
    "belirteçleri içeren JSON dosyası; her biri kullanabileceği çalışma alanlarını, akışları, türleri ve yönleri belirtir; değiştiğinde yeniden okunur (bilinmeyen belirteç: HTTP 401; izninin dışında: 403)",
  "setting.GATEWAY_TLS_CERT_FILE":
    "ağ geçidinin portunda HTTPS ve WSS sunmak için PEM sertifikası (zinciriyle), GATEWAY_TLS_KEY_FILE ile birlikte; değiştiğinde yeniden okunur",
  "setting.GATEWAY_TLS_KEY_FILE": "GATEWAY_TLS_CERT_FILE için PEM özel anahtarı; değiştiğinde yeniden okunur",
  "setting.BROKER": "mesaj broker'ı: gömülü bellek içi broker veya Apache Pulsar",
  "setting.PULSAR_HTTP_URL": "Pulsar web portu (WebSocket API'si ve yönetim API'si); BROKER=pulsar ile kullanılır",
  "setting.PULSAR_ADMIN_URL":
    "Pulsar yönetim API'si, PULSAR_HTTP_URL üzerinde değilse (brokerlardan ayrı çalışan bir WebSocket proxy'si); varsayılan PULSAR_HTTP_URL",
  "setting.PULSAR_TRANSPORT":
    "üreticilerin ve tüketicilerin Pulsar'a nasıl ulaştığı: binary (PULSAR_URL ikili portunda kendi protokolü, en hızlısı) ya da websocket (PULSAR_HTTP_URL üzerindeki WebSocket API'si; yalnızca web portuna ulaşabilen kurulumlar için, örneğin bir Pulsar WebSocket proxy'sinin arkasında)",
  "setting.PULSAR_URL":
    "PULSAR_TRANSPORT=binary için Pulsar ikili portu (pulsar://host:6650 ya da TLS üzerinden pulsar+ssl://); ayarlanmazsa yönetim API'sinin sunucusunda 6650 portu (yönetim API'si https ise 6651'de pulsar+ssl://); PULSAR_HTTP_URL yönetim API'si olarak kalır",
  "setting.PULSAR_COMPRESSION":
    "üreticilerin her kaydı Pulsar'a ulaşmadan önce nasıl sıkıştırdığı: none, zstd ya da zlib; broker kaydı sıkıştırılmış olarak saklar ve iletir, her Pulsar istemcisi de (TrustGraph'ın işlemcileri dahil) sıkıştırmasını açar; ağ geçidine kayıt başına CPU maliyeti ekler, broker'ın CPU'sunun ise büyük kısmını kurtarır",
  "setting.PULSAR_PING_INTERVAL":
    "her Pulsar oturumuna ne sıklıkla ping gönderileceği, böylece aracı onu boşta diye kapatmaz (aracının webSocketSessionIdleTimeoutMillis değerinden kısa olmalı); 0 veya off: hiç",
  "setting.PULSAR_MAX_MESSAGE_SIZE":
    "Pulsar'a gönderilen en büyük kayıt, bayt cinsinden; auto: broker'dan öğrenilir (maxMessageSize, webSocketMaxTextFrameSize); kaydı daha büyük olan çerçeve reddedilir, yeniden denenmez",
  "setting.PULSAR_AUTH_TOKEN":
    "her sokette ve yönetim isteğinde Pulsar'a 'Authorization: Bearer' olarak gönderilen belirteç",
  "setting.PULSAR_AUTH_TOKEN_FILE":
    "Pulsar belirtecini tutan dosya; her yeni broker bağlantısında yeniden okunur (döndürülen sırlar)",
  "setting.PULSAR_AUTH_OAUTH2_ISSUER_URL":
    "OAuth2 yayıncısı: ağ geçidi ondan client-credentials izniyle bir Pulsar erişim belirteci alır ve süresi dolmadan yeniler",
  "setting.PULSAR_AUTH_OAUTH2_AUDIENCE": "OAuth2 erişim belirteciyle istenen hedef kitle (audience)",
  "setting.PULSAR_AUTH_OAUTH2_CREDENTIALS_FILE": "OAuth2 client_id ve client_secret değerlerini içeren JSON dosyası",
  "setting.PULSAR_TLS_CA_FILE": "https:// broker için sistemin sertifikaları yerine güvenilen PEM sertifikaları",
  "setting.PULSAR_TLS_CERT_FILE":
    "istemci sertifikası isteyen bir broker için PEM istemci sertifikası, PULSAR_TLS_KEY_FILE ile birlikte",
  "setting.PULSAR_TLS_KEY_FILE": "PULSAR_TLS_CERT_FILE için PEM özel anahtarı",
  "setting.PULSAR_ENABLE_DEDUPLICATION":
    "akışların içe aktardığı bir Pulsar ad alanında kapalıysa tekilleştirmeyi açar; böylece ?producer= (tekilleştirilmiş içe aktarma) orada 409 ile reddedilmek yerine sunulur",
  "setting.PULSAR_TLS_INSECURE":
    "broker'ın her sertifikasını ve ana bilgisayar adını kabul et: yalnızca testler için, başlangıçta uyarı verilir",
  "setting.FLOWS": "sunulacak akışların virgülle ayrılmış adları (default her zaman sunulur)",
  "setting.FLOWS_FILE": "akışları ve akış başına konu geçersiz kılmalarını içeren JSON dosyası",
  "setting.TOPIC_TEMPLATE": "bir akışın arayüzüne ait konu",
  "setting.MAX_FRAME_SIZE": "bir istemcinin gönderebileceği en büyük çerçeve; daha büyüğü soketi 1009 ile kapatır",
  "setting.WS_PING_INTERVAL":
    "istemcilere ne sıklıkla ping gönderileceği, böylece vekil sunucular boştaki soketleri kapatmaz; yanıt vermeyen istemcinin bağlantısı kesilmez; 0 veya off: hiç",
  "setting.WS_READ_BUFFER_SIZE":
    "soketin okunması durdurulmadan önce bir bağlantıda alınmış ve henüz işlenmemiş çerçevelerin bayt sayısı",
  "setting.PUBLISHER_MAX_QUEUE_SIZE":
    "soketin okunması durdurulmadan önce içe aktarma bağlantısı başına kuyruğa alınabilecek çerçeve sayısı",
  "setting.PUBLISHER_MAX_IN_FLIGHT": "içe aktarma bağlantısı başına broker onayını bekleyen gönderim sayısı",
  "setting.PUBLISHER_MAX_QUEUE_BYTES":
    "soketin okunması durdurulmadan önce içe aktarma bağlantısı başına kuyruğa alınabilecek bayt sayısı",
  "setting.PUBLISHER_MAX_IN_FLIGHT_BYTES":
    "içe aktarma bağlantısı başına gönderilmiş ve broker onayını bekleyen bayt sayısı",
  "setting.PUBLISHER_DRAIN_TIMEOUT": "kapanışta kuyruktakileri göndermek için tanınan süre",
  "setting.PUBLISHER_FLUSH_TIMEOUT": "kapanışta broker onaylarını bekleme süresi",
  "setting.SUBSCRIBER_MAX_QUEUE_SIZE": "dışa aktarma bağlantısı başına kuyruktaki mesaj sayısı",
  "setting.SUBSCRIBER_PREFETCH":
    "broker'ın bir dışa aktarma bağlantısına kuyruğunun ötesinde önceden gönderebileceği mesaj sayısı",
  "setting.SUBSCRIBER_DRAIN_TIMEOUT": "kapatılırken kuyruktakileri teslim etmek için tanınan süre",
  "setting.SUBSCRIBER_NACK_DELAY": "broker'a geri verilen bir mesaj yeniden teslim edilmeden önceki gecikme",
  "setting.BACKPRESSURE_STRATEGY":
    "dolu bir dışa aktarma kuyruğunun davranışı: beklemek, en eski mesajı atmak veya yenisini reddetmek",
  "setting.SHUTDOWN_GRACE_PERIOD": "açık bağlantılar kesilmeden önce boşaltma zaman aşımlarına eklenen ek süre",
  "setting.MAX_CONSECUTIVE_ERRORS": "bir dışa aktarmayı sonlandıran art arda başarısız yazma sayısı",
  "setting.EXPORT_DEAD_LETTER_TOPIC":
    "bir dışa aktarma konusundaki, hiçbir istemcinin okuyamayacağı kayıtları alan konu (origin-topic ve reason özellikleriyle); ayarlanmamışsa bu kayıtlar onaylanır ve sayılır",
  "setting.EXPORT_MAX_UNACKED":
    "bir dışa aktarmada ?ack=true ile, istemciye yazılmış ve henüz onun tarafından onaylanmamış çerçeveler; sınıra ulaşıldığında yazma onayları bekler",
  "setting.LOG_QUEUE_STATS": "bağlantılar kapanırken kuyruk istatistiklerini günlüğe yaz",
  "setting.LOG_FORMAT":
    "günlük satırlarını metin (pretty, logfmt) ya da JSON nesneleri (json) olarak yaz, her olay için bir satır",
  "setting.LOG_LEVEL": "günlüğe yazılan en düşük düzey: trace, debug, info, warn, error, fatal ya da none",
  "setting.METRICS_ENABLED": "Prometheus metriklerini /metrics adresinde sun"
}
