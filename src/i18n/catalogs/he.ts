/** Hebrew messages of the command line (see en.ts for the reference catalog). */
import type { Catalog } from "../messages.ts"

export const catalog: Catalog = {
  "cli.usage": "שימוש: tg-gateway <פקודה> [אפשרויות]",
  "cli.commands": "פקודות:",
  "cli.command.serve": "הפעלת השער (ייבוא/ייצוא ב-WebSocket ⇄ ברוקר)",
  "cli.command.import": "ייבוא קובץ (N-Triples, Turtle או מסגרות JSON Lines) דרך שקע ייבוא",
  "cli.command.export": "ייצוא משקע ייצוא לקובץ (מסגרות JSON Lines או N-Triples)",
  "cli.options": "אפשרויות:",
  "cli.option.help": "הצגת עזרה זו",
  "cli.option.version": "הצגת הגרסה",
  "cli.option.lang":
    "שפת ההודעות (en, es, sw, pt, tr, hi, he, ar, zh, ru); ברירת המחדל מ-LANGUAGE, ‏LC_ALL, ‏LC_MESSAGES או LANG",
  "cli.seeHelp": "הריצו 'tg-gateway {command} --help' כדי לראות את האפשרויות שלה.",
  "cli.unknownCommand": 'פקודה לא מוכרת "{command}"',
  "cli.unknownFlag": "אפשרות לא מוכרת {flag} עבור '{command}'",
  "cli.missingValue": "האפשרות --{flag} דורשת ערך",
  "cli.repeatedFlag": "האפשרות ‎--{flag} ניתנה יותר מפעם אחת",
  "cli.badValue": 'האפשרות ‎--{flag} אינה מקבלת את הערך "{value}"',
  "cli.didYouMean": "האם התכוונתם ל-{names}?",
  "cli.badUrl":
    '"{url}" אינה כתובת של שער: יש לתת ws://HOST:PORT, או http://HOST:PORT כפי ש-‎--api-url של trustgraph-cli מקבל',
  "cli.notRunning": "אף אחד לא מאזין ב-{address} (החיבור ל-{url} נדחה): האם 'tg-gateway serve' פועל שם?",
  "cli.unknownLanguage": 'שפה לא מוכרת "{lang}"; נעשה שימוש באנגלית',
  "cli.default": "ברירת מחדל: {value}",
  "cli.unset": "לא מוגדר",
  "cli.env": "משתנה סביבה {name}",
  "cli.stdout": "הפלט התקני",
  "problem.notDuration": '"{text}" אינו משך זמן (דוגמאות: 5, 2.5s, 500ms, 1m)',
  "problem.notInteger": '"{text}" אינו מספר שלם בין {min} ל-{max}',
  "problem.notBytes": '"{text}" אינו גודל בבתים (דוגמאות: 1048576, 64KiB, 50MiB)',
  "problem.notBoolean": '"{text}" אינו true או false',
  "problem.notChoice": '"{text}" אינו אחד מהערכים {choices}',
  "problem.notHttpUrl": '"{text}" אינו כתובת URL מסוג http:// או https://',
  "problem.notPulsarUrl": '"{text}" אינו כתובת URL מסוג pulsar:// או pulsar+ssl:// (לדוגמה: pulsar://127.0.0.1:6650)',
  "problem.notUrl": '"{text}" אינו כתובת URL',
  "problem.topicTemplate": '"{text}" חייב להכיל {interface} (ובדרך כלל גם {workspace} ו-{flow})',
  "problem.flowName": "שם הזרימה \"{name}\" יכול להכיל רק אותיות, ספרות, '.', '_' ו-'-'",
  "problem.notPositive": '"{text}" אינו מספר שלם חיובי',
  "problem.badProducerName": "\"{text}\" אינו auto, none או שם יצרן (1 עד 128 אותיות, ספרות, '.', '_' או '-')",
  "config.invalid": "שגיאת תצורה ב-{source}: {problem}",
  "config.fix": "תקנו את ההגדרה שלמעלה והפעילו מחדש; 'tg-gateway serve --help' מפרט את כל ההגדרות.",
  "serve.usage": "שימוש: tg-gateway serve [אפשרויות]",
  "serve.noArguments": "serve אינו מקבל ארגומנטים (עודפים: {extra}); הגדרות הן אפשרויות, כמו --broker pulsar",
  "serve.title": "הפעלת השער. ניתן להגדיר כל אפשרות גם באמצעות משתנה הסביבה המוצג; אפשרות שניתנה בשורת הפקודה גוברת.",
  "serve.forced": "כיבוי בכפייה: {what}",
  "serve.stopped": "נעצר: כל החיבורים סיימו לטפל במה שהמתין בהם",
  "import.usage": "שימוש: tg-gateway import [אפשרויות] <קובץ>... | -",
  "import.title":
    "ייבוא N-Triples (.nt), Turtle (.ttl) או JSON Lines של מסגרות מוכנות (.jsonl) דרך שקע ייבוא. השער מאשר כל מסגרת; לאחר ניתוק החיבור, מסגרות שלא אושרו נשלחות שוב.",
  "import.exitCodes":
    "קודי יציאה: 0 הכול הגיע; 1 חלק מהמסגרות לא הגיעו; 2 שגיאת שימוש; 3 לא ניתן היה לנתח את הקלט (הסיכום אומר מה הגיע); 130 הופסק.",
  "import.noInput": "אין קלט: ציינו קובץ, או - עבור הקלט התקני",
  "import.noSuchFile": "אין קובץ כזה: {input}",
  "import.cannotRead": "לא ניתן לקרוא את {input}: {reason}",
  "import.notAFile": "{input} אינו קובץ",
  "import.stdinAlone": "אי אפשר לשלב קלט תקני (-) עם קבצים",
  "import.unknownFormat": "לא ניתן לזהות את הפורמט של {input}: ציינו --format nt, ttl או jsonl",
  "import.rdfOnlyTriples": "N-Triples ו-Turtle הופכים למסגרות triples; עבור --kind {kind} נדרש --format jsonl",
  "import.cannotConnect": "לא ניתן להתחבר אל {url}: {reason}",
  "import.dropped": "החיבור נותק ({code} {reason})",
  "import.reconnectingTo": "מתחבר מחדש אל {url} (ניסיון {attempt} מתוך {of})",
  "import.resuming": "מסגרת {frame} לא נשמרה: ממשיכים ממנה בחיבור חדש",
  "import.atLeastOnce":
    "הסרת כפילויות כבויה במרחב השמות של זרימה זו: מסגרת שנשלחה שוב אחרי חיבור שאבד עלולה להישמר פעמיים; הפעילו אותה (PULSAR_ENABLE_DEDUPLICATION=true בשער) למסירה פעם אחת בדיוק, או ציינו --producer none",
  "import.duplicates":
    "{duplicates, plural, one {מסגרת אחת כבר הייתה} other {# מסגרות כבר היו}} בנושא (יצרן {producer}) ולא נשמרו שוב",
  "import.interruptedResumable":
    "הופסק: {unacked, plural, one {מסגרת אחת נשלחה} other {# מסגרות נשלחו}} ולא אושרו, ויתר הקלט לא נשלח; יש להריץ שוב את אותה פקודה כדי לסיים: מה שכבר הגיע מזוהה (יצרן {producer}) ואינו נשמר פעמיים",
  "import.reconnecting": "מתחבר מחדש (ניסיון {attempt} מתוך {of})",
  "import.reconnected":
    "התחבר מחדש; {unacked, plural, one {המסגרת שלא אושרה נשלחת} other {# המסגרות שלא אושרו נשלחות}} שוב",
  "import.gaveUp":
    "מוותר לאחר {attempts, plural, one {ניסיון התחברות מחדש אחד} two {שני ניסיונות התחברות מחדש} other {# ניסיונות התחברות מחדש}}",
  "import.refused": "השער דחה את מסגרת {frame} ({origin}): {message}",
  "import.stillRefused":
    "מסגרת {frame} ({origin}) עדיין לא התקבלה לאחר {attempts, plural, one {ניסיון אחד} two {שני ניסיונות} other {# ניסיונות}}: {message}",
  "import.tooBig":
    "מסגרת {frame} ({origin}, {bytes} בתים) גדולה ממה שהשער מקבל (הוא סגר את החיבור עם 1009): יש לשלוח מסגרות קטנות יותר (‎--batch קטן יותר, או שורות JSON קצרות יותר) או להגדיל את MAX_FRAME_SIZE של השער",
  "import.originLine": "{file} שורה {line}",
  "import.originTriples": "{file}, שלשות {first}–{last}",
  "import.summary":
    "{acked} מתוך {frames, plural, one {מסגרת אחת} two {שתי מסגרות} other {# מסגרות}} אושרו ({items, plural, one {פריט אחד} other {# פריטים}}) בזרימה {flow} ({kind}) תוך {seconds} שניות",
  "import.parseError": "{where}: שגיאת ניתוח: {problem}",
  "import.parseLanded": "כל מה שלפני שורה {line} הגיע; דבר משורה זו והלאה לא נשלח",
  "import.parseStopped": "דבר משורה {line} והלאה לא נשלח",
  "import.interrupted":
    "הופסק: {unacked, plural, one {מסגרת אחת נשלחה} other {# מסגרות נשלחו}} ולא אושרו, ויתר הקלט לא נשלח; יש להריץ שוב את אותה פקודה כדי לייבא הכול (מה שכבר הגיע יישלח שוב)",
  "import.notLanded":
    "לא הכול הגיע: {unacked, plural, one {מסגרת אחת לא אושרה} other {# מסגרות לא אושרו}}, {refused} נדחו",
  "import.allLanded": "הכול הגיע",
  "export.usage": "שימוש: tg-gateway export [אפשרויות]",
  "export.title":
    "ייצוא משקע ייצוא כ-JSON Lines של מסגרות, או כ-N-Triples עבור triples. הייצוא נעצר לאחר --count מסגרות, לאחר --idle ללא מסגרת, או ב-Ctrl-C, וכל מה שהתקבל נכתב.",
  "export.exitCodes": "קודי יציאה: 0 נעצר כמבוקש או עקב כיבוי השער; 1 החיבור נדחה או אבד; 2 שגיאת שימוש.",
  "export.noPositionals": "export אינה מקבלת ארגומנט של קובץ (לשם כך יש --output): {extra}",
  "export.outputExists": "{output} כבר קיים: יש להוסיף ‎--force כדי לדרוס אותו, או לתת ‎--subscription כדי להוסיף אליו",
  "export.cannotWrite": "לא ניתן לכתוב אל {output}: {reason}",
  "export.ntOnlyTriples": "פלט N-Triples מיועד ל-triples בלבד; עבור {kind} ציינו --format jsonl",
  "export.cannotConnect": "לא ניתן להתחבר אל {url}: {reason}",
  "export.refused": "{url} דחה את החיבור עם HTTP {status}: {body}",
  "export.closed": "השער סגר את החיבור ({code} {reason})",
  "export.gatewayError": "השער דיווח: {message}",
  "export.stoppedByUser": "נעצר (Ctrl-C)",
  "export.resume": "יש להריץ שוב את אותה פקודה כדי להמשיך מהמקום שבו נעצרה: המינוי {subscription} שומר את המקום",
  "export.resumeHint": "כדי להמשיך מאוחר יותר מהמקום שבו ייצוא נעצר, יש לתת לו ‎--subscription NAME",
  "export.idle": "נעצר: לא התקבלה מסגרת במשך {seconds} שניות",
  "export.countReached": "נעצר לאחר {count, plural, one {מסגרת אחת} two {שתי מסגרות} other {# מסגרות}}",
  "export.reconnected": "התחבר מחדש; המינוי {subscription} ממשיך מהמקום שבו החיבור שנפל נעצר",
  "export.noReconnect":
    "ללא ‎--subscription ייצוא אינו מתחבר מחדש: חיבור חדש היה מחמיץ את מה שהגיע בינתיים; יש לתת לו ‎--subscription NAME כדי שיתחבר מחדש וימשיך מהמקום שבו נעצר",
  "export.summary":
    "נכתבו {frames, plural, one {מסגרת אחת} two {שתי מסגרות} other {# מסגרות}} ({items, plural, one {פריט אחד} other {# פריטים}}) אל {output} בפורמט {format}",
  "option.url": "כתובת השער; כמה כתובות מופרדות בפסיקים משמשות בתורן כשאחת נכשלת",
  "option.flow": "שם הזרימה",
  "option.kind": "סוג: triples, graph-embeddings, document-embeddings, entity-contexts או rows",
  "option.exportKind": "סוג: triples, graph-embeddings, document-embeddings או entity-contexts",
  "option.workspace": "סביבת עבודה",
  "option.token": "טוקן, כאשר בשער מוגדר GATEWAY_SECRET או GATEWAY_TOKENS_FILE",
  "option.inputFormat": "פורמט הקלט; כברירת מחדל נקבע לפי סיומת הקובץ",
  "option.batch": "מספר השלשות בכל מסגרת",
  "option.collection": "האוסף שמצוין במטא-נתונים של כל מסגרת",
  "option.documentId": "מזהה המסמך במטא-נתונים של כל מסגרת; ברירת מחדל: שם הקובץ",
  "option.window": "מספר מרבי של מסגרות שנשלחו וטרם אושרו",
  "option.retries":
    "ניסיונות התחברות מחדש לאחר חיבור שנפל, ושליחות חוזרות של מסגרת שהמתווך לא יכול היה לקבל באותו רגע; 0 לאף אחד",
  "option.exportRetries":
    "עם ‎--subscription, ניסיונות התחברות מחדש לאחר חיבור שנפל, כל אחד אל ה-‎--url הבא; 0 לאף אחד (ללא ‎--subscription חיבור שנפל מסיים את הייצוא)",
  "option.producer":
    "השם שתחתיו המתווך מסיר כפילויות של מסגרות, כך שמסגרת שנשלחה פעמיים נשמרת פעם אחת: auto (מהקלט, הזרימה והסוג), שם, או none",
  "option.output": "קובץ הפלט, או - עבור הפלט התקני",
  "option.force": "לדרוס קובץ ‎--output קיים (עם ‎--subscription וללא ‎--force, מוסיפים אליו)",
  "option.outputFormat": "פורמט הפלט; כברירת מחדל nt עבור קובץ .nt, אחרת jsonl",
  "option.subscription": "שם של מינוי קבוע: ייצוא מאוחר יותר באותו שם ימשיך מהמקום שבו ייצוא זה נעצר",
  "option.from": "היכן מינוי חדש מתחיל: מעכשיו (latest) או מההודעה הראשונה בנושא (earliest)",
  "option.count": "עצירה לאחר מספר מסגרות זה",
  "option.idle": "עצירה לאחר פרק זמן זה ללא מסגרת (למשל 5s)",
  "progress.import": "אושרו {acked}/{sent} מסגרות · {triples, plural, one {פריט אחד} other {# פריטים}}",
  "progress.export":
    "{frames, plural, one {מסגרת אחת} two {שתי מסגרות} other {# מסגרות}} · {triples, plural, one {פריט אחד} other {# פריטים}}",
  "progress.rate": "{rate} פריטים לשנייה",
  "progress.eta": "נותרו כ-{seconds} שניות",
  "setting.GATEWAY_PORT": "הפורט של נתיבי WebSocket ושל /metrics, /healthz ו-/readyz",
  "setting.GATEWAY_HOST": "הכתובת שבה השער מאזין",
  "setting.GATEWAY_SECRET": "כאשר מוגדר, על הלקוחות לשלוח ?token= עם ערך זה (אחרת HTTP 401)",
  "setting.GATEWAY_TOKENS_FILE":
    "קובץ JSON של טוקנים, לכל אחד סביבות העבודה, הזרימות, הסוגים והכיוונים שמותר לו להשתמש בהם; נקרא מחדש כשהוא משתנה (טוקן לא מוכר: HTTP 401; מחוץ להרשאה שלו: 403)",
  "setting.GATEWAY_TLS_CERT_FILE":
    "תעודת PEM (עם השרשרת שלה) להגשת HTTPS ו-WSS בפורט של השער, יחד עם GATEWAY_TLS_KEY_FILE; נקראת מחדש כשהיא משתנה",
  "setting.GATEWAY_TLS_KEY_FILE": "המפתח הפרטי (PEM) של GATEWAY_TLS_CERT_FILE; נקרא מחדש כשהוא משתנה",
  "setting.BROKER": "ברוקר ההודעות: הברוקר המובנה שפועל בזיכרון, או Apache Pulsar",
  "setting.PULSAR_HTTP_URL": "פורט ה-HTTP של Pulsar (ממשק ה-WebSocket וממשק הניהול), כאשר BROKER=pulsar",
  "setting.PULSAR_ADMIN_URL":
    "ממשק הניהול של Pulsar, כאשר אינו ב-PULSAR_HTTP_URL (WebSocket proxy שרץ בנפרד מה-brokers); ברירת המחדל PULSAR_HTTP_URL",
  "setting.PULSAR_TRANSPORT":
    "איך יצרנים וצרכנים מגיעים ל-Pulsar: binary (הפרוטוקול של Pulsar עצמו בפורט הבינארי של PULSAR_URL, המהיר ביותר) או websocket (ממשק ה-WebSocket ב-PULSAR_HTTP_URL, לפריסות שמגיעות רק לפורט ה-web, כמו מאחורי פרוקסי WebSocket של Pulsar)",
  "setting.PULSAR_URL":
    "הפורט הבינארי של Pulsar (pulsar://host:6650, או pulsar+ssl:// מעל TLS) עבור PULSAR_TRANSPORT=binary; כשאינו מוגדר: המארח של ממשק הניהול בפורט 6650 (pulsar+ssl:// בפורט 6651 כשממשק הניהול ב-https); PULSAR_HTTP_URL נשאר ממשק הניהול",
  "setting.PULSAR_COMPRESSION":
    "איך יצרנים דוחסים כל רשומה לפני שהיא מגיעה ל-Pulsar: none, zstd או zlib; הברוקר שומר ומוסר אותה דחוסה, וכל לקוח של Pulsar (כולל המעבדים של TrustGraph) פורס אותה; עולה לשער זמן CPU על כל רשומה וחוסך לברוקר את רוב זמן ה-CPU שלו",
  "setting.PULSAR_PING_INTERVAL":
    "באיזו תדירות נשלח ping לכל סשן של Pulsar כדי שהברוקר לא יסגור אותו כלא פעיל (פחות מ-webSocketSessionIdleTimeoutMillis שלו); 0 או off: אף פעם",
  "setting.PULSAR_MAX_MESSAGE_SIZE":
    "הרשומה הגדולה ביותר שנשלחת ל-Pulsar, בבתים; auto: נלמד מהברוקר (maxMessageSize, webSocketMaxTextFrameSize); מסגרת שהרשומה שלה גדולה יותר נדחית, ללא ניסיון חוזר",
  "setting.PULSAR_AUTH_TOKEN": "טוקן שנשלח ל-Pulsar כ-'Authorization: Bearer' בכל שקע ובכל בקשת ניהול",
  "setting.PULSAR_AUTH_TOKEN_FILE": "קובץ שמכיל את הטוקן של Pulsar, נקרא מחדש בכל חיבור חדש לברוקר (סודות מתחלפים)",
  "setting.PULSAR_AUTH_OAUTH2_ISSUER_URL":
    "מנפיק OAuth2: השער מקבל ממנו טוקן גישה ל-Pulsar בהרשאת client-credentials ומחדש אותו לפני שפג תוקפו",
  "setting.PULSAR_AUTH_OAUTH2_AUDIENCE": "הקהל (audience) שמתבקש עם טוקן הגישה של OAuth2",
  "setting.PULSAR_AUTH_OAUTH2_CREDENTIALS_FILE": "קובץ JSON עם ה-client_id וה-client_secret של OAuth2",
  "setting.PULSAR_TLS_CA_FILE": "תעודות PEM מהימנות עבור ברוקר https:// במקום אלה של המערכת",
  "setting.PULSAR_TLS_CERT_FILE": "תעודת לקוח PEM עבור ברוקר שדורש אותה, יחד עם PULSAR_TLS_KEY_FILE",
  "setting.PULSAR_TLS_KEY_FILE": "המפתח הפרטי (PEM) של PULSAR_TLS_CERT_FILE",
  "setting.PULSAR_ENABLE_DEDUPLICATION":
    "הפעלת מניעת כפילויות במרחב שמות של Pulsar שאליו הזרימות מייבאות, אם היא כבויה, כדי ש-?producer= (ייבוא ללא כפילויות) יוגש שם במקום להידחות ב-409",
  "setting.PULSAR_TLS_INSECURE": "קבלת כל תעודה וכל שם מארח של הברוקר: לבדיקות בלבד, עם אזהרה בעת ההפעלה",
  "setting.FLOWS": "שמות הזרימות שיש להגיש, מופרדים בפסיקים (הזרימה default מוגשת תמיד)",
  "setting.FLOWS_FILE": "קובץ JSON של זרימות ושל דריסות נושאים לכל זרימה",
  "setting.TOPIC_TEMPLATE": "הנושא של ממשק בזרימה",
  "setting.MAX_FRAME_SIZE": "המסגרת הגדולה ביותר שלקוח רשאי לשלוח; מסגרת גדולה יותר סוגרת את השקע עם 1009",
  "setting.WS_PING_INTERVAL":
    "באיזו תדירות נשלח ping ללקוחות כדי ששרתי proxy לא יסגרו שקעים לא פעילים; לקוח שאינו עונה נשאר מחובר; 0 או off: אף פעם",
  "setting.WS_READ_BUFFER_SIZE": "בתים של מסגרות שהתקבלו בחיבור וטרם טופלו, לפני שהקריאה מהשקע שלו נעצרת",
  "setting.PUBLISHER_MAX_QUEUE_SIZE": "מסגרות בתור לכל חיבור ייבוא לפני שהקריאה מהשקע נעצרת",
  "setting.PUBLISHER_MAX_IN_FLIGHT": "שליחות לכל חיבור ייבוא שממתינות לאישור הברוקר",
  "setting.PUBLISHER_MAX_QUEUE_BYTES": "בתים בתור לכל חיבור ייבוא לפני שהקריאה מהשקע נעצרת",
  "setting.PUBLISHER_MAX_IN_FLIGHT_BYTES": "בתים לכל חיבור ייבוא שנשלחו וממתינים לאישור הברוקר",
  "setting.PUBLISHER_DRAIN_TIMEOUT": "בסגירה, הזמן לשליחת מה שממתין בתור",
  "setting.PUBLISHER_FLUSH_TIMEOUT": "בסגירה, הזמן להמתנה לאישורי הברוקר",
  "setting.SUBSCRIBER_MAX_QUEUE_SIZE": "הודעות בתור לכל חיבור ייצוא",
  "setting.SUBSCRIBER_PREFETCH": "הודעות שהברוקר רשאי לדחוף לחיבור ייצוא לפני התור שלו",
  "setting.SUBSCRIBER_DRAIN_TIMEOUT": "בכיבוי, הזמן למסירת מה שממתין בתור",
  "setting.SUBSCRIBER_NACK_DELAY": "השהיה לפני מסירה חוזרת של הודעה שהוחזרה לברוקר",
  "setting.BACKPRESSURE_STRATEGY": "מה עושה תור ייצוא מלא: ממתין, משליך את הישנה ביותר, או דוחה את החדשה",
  "setting.SHUTDOWN_GRACE_PERIOD": "זמן נוסף מעבר לזמני הריקון, לפני שהחיבורים הפתוחים מנותקים",
  "setting.MAX_CONSECUTIVE_ERRORS": "מספר כתיבות כושלות ברצף שמביא לסיום הייצוא",
  "setting.EXPORT_DEAD_LETTER_TOPIC":
    "נושא שמקבל רשומות מנושא ייצוא שאף לקוח לא יכול היה לקרוא (עם המאפיינים origin-topic ו-reason); כשאינו מוגדר: הן מאושרות ונספרות",
  "setting.EXPORT_MAX_UNACKED":
    "עם ?ack=true בייצוא, מסגרות שנכתבו ללקוח וטרם אושרו על ידו; כשהמגבלה מושגת, הכתיבה ממתינה לאישורים שלו",
  "setting.LOG_QUEUE_STATS": "רישום סטטיסטיקות של התורים ביומן כשחיבורים נסגרים",
  "setting.LOG_FORMAT": "שורות היומן כטקסט (pretty, logfmt) או כאובייקטי JSON\u200f (json), שורה אחת לכל אירוע",
  "setting.LOG_LEVEL":
    "הרמה הנמוכה ביותר שנרשמת ביומן: trace,\u200f debug,\u200f info,\u200f warn,\u200f error,\u200f fatal או none",
  "setting.METRICS_ENABLED": "הגשת מדדי Prometheus בנתיב /metrics"
}
