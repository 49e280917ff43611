"""Messages of notifications and `balise check` (English and French, same placeholders)."""

from __future__ import annotations

from balise.i18n import Msg

# --- channel configuration (balise notify add) ------------------------------------------------------------
UNKNOWN_KIND = Msg("unknown channel kind {kind!r}; use one of {known}",
                   "type de canal inconnu {kind!r} ; utilisez l'un de {known}")
OPTION_NOT_FOR_KIND = Msg("{options}: not an option of {kind} channels; see `balise notify add --help`",
                          "{options} : option sans objet pour les canaux {kind} ; voir `balise notify add --help`")
URL_MISSING = Msg("a webhook channel needs --url URL (the incoming-webhook address given by the chat tool)",
                  "un canal webhook demande --url URL (l'adresse de webhook entrant fournie par l'outil de "
                  "messagerie)")
BAD_URL = Msg("--url {url!r} is not an http:// or https:// URL with a host name; copy the whole address, "
              "e.g. https://hooks.example.com/services/T000/B000/XXXX",
              "--url {url!r} n'est pas une URL http:// ou https:// avec un nom d'hôte ; copiez l'adresse "
              "entière, par exemple https://hooks.example.com/services/T000/B000/XXXX")
BAD_HEADER = Msg("--header {header!r}: write it NAME: VALUE, the name without spaces, on one line",
                 "--header {header!r} : écrivez-le NOM: VALEUR, le nom sans espace, sur une ligne")
BAD_RATE_LIMIT = Msg("--rate-limit {value!r}: give a whole number of messages per hour, at least 1",
                     "--rate-limit {value!r} : donnez un nombre entier de messages par heure, au moins 1")
BAD_FREQUENCY = Msg("--frequency {value!r}: use one of {known}", "--frequency {value!r} : utilisez l'un de {known}")
BAD_SEVERITY = Msg("severity {value!r}: use one of {known}", "gravité {value!r} : utilisez l'une de {known}")
SMTP_MISSING = Msg("an e-mail channel needs --smtp HOST:PORT, --from ADDRESS and --to ADDRESS",
                   "un canal e-mail demande --smtp HÔTE:PORT, --from ADRESSE et --to ADRESSE")
BAD_SMTP = Msg("--smtp {value!r}: write the SMTP server as HOST:PORT, e.g. smtp.example.fr:587 "
               "(or [IPv6]:PORT)",
               "--smtp {value!r} : écrivez le serveur SMTP HÔTE:PORT, par exemple smtp.example.fr:587 "
               "(ou [IPv6]:PORT)")
BAD_TLS = Msg("--smtp-tls {value!r}: use starttls, ssl or none",
              "--smtp-tls {value!r} : utilisez starttls, ssl ou none")
BAD_ADDRESS = Msg("{option} {value!r} is not an e-mail address; write one address like alerts@example.fr "
                  "(repeat {option} for several)",
                  "{option} {value!r} n'est pas une adresse e-mail ; écrivez une adresse comme alertes@example.fr "
                  "(répétez {option} pour plusieurs)")
TO_MISSING = Msg("an e-mail channel needs at least one --to ADDRESS",
                 "un canal e-mail demande au moins un --to ADRESSE")
PASSWORD_WITHOUT_USER = Msg("an SMTP password needs --smtp-user NAME", "un mot de passe SMTP demande --smtp-user NOM")
SECRET_TWICE = Msg("give the {key} either as a value or as the name of an environment variable, not both",
                   "donnez le {key} soit en valeur soit par le nom d'une variable d'environnement, pas les deux")
BAD_ENV_NAME = Msg("{value!r} is not an environment variable name (letters, digits and _, not starting with a digit)",
                   "{value!r} n'est pas un nom de variable d'environnement (lettres, chiffres et _, sans chiffre "
                   "au début)")

# --- sending ----------------------------------------------------------------------------------------------
HTTP_REDIRECTED = Msg(" (redirected to {location}: update the channel's URL)",
                      " (redirigé vers {location} : mettez à jour l'URL du canal)")
NETWORK_ERROR = Msg("network error: {error}", "erreur réseau : {error}")
RETRY_AFTER_TOO_LONG = Msg("{error} (the server asks to wait {wait} s, more than the {limit} s allowed: not retried)",
                           "{error} (le serveur demande d'attendre {wait} s, plus que les {limit} s permises : "
                           "pas de nouvel essai)")
SMTP_NOT_SUPPORTED = Msg("the SMTP server does not offer it: {error} (check --smtp-tls and --smtp-user)",
                         "le serveur SMTP ne le propose pas : {error} (vérifiez --smtp-tls et --smtp-user)")
SMTP_REFUSED = Msg("recipients refused: {who}", "destinataires refusés : {who}")
SECRET_ENV_MISSING = Msg("the environment variable {name} (the channel's {key}) is not set",
                         "la variable d'environnement {name} ({key} du canal) n'est pas définie")
MORE_ITEMS = Msg("… and {n} more", "… et {n} de plus")
EMAIL_FOOTER = Msg("Sent by Balise for tenant {tenant}. Run `balise check --tenant {tenant}` for the details.",
                   "Envoyé par Balise pour le client {tenant}. Lancez `balise check --tenant {tenant}` pour le détail.")

# --- channels and records (services) ----------------------------------------------------------------------
BAD_CHANNEL_NAME = Msg("invalid channel name {name!r}: use letters, digits, '.', '-' or '_' (at most 100)",
                       "nom de canal invalide {name!r} : utilisez lettres, chiffres, « . », « - » ou « _ » "
                       "(100 au plus)")
BAD_LANG = Msg("--lang {value!r}: use en or fr", "--lang {value!r} : utilisez en ou fr")
CHANNEL_EXISTS = Msg("tenant {tenant} already has a channel named {name!r}: choose another name, or remove it "
                     "first with `balise notify remove {name} --tenant {tenant}`",
                     "le client {tenant} a déjà un canal nommé {name!r} : choisissez un autre nom, ou supprimez-le "
                     "d'abord avec `balise notify remove {name} --tenant {tenant}`")
UNKNOWN_CHANNEL = Msg("tenant {tenant} has no channel named {name!r} (its channels: {known}); "
                      "list them with `balise notify list --tenant {tenant}`",
                      "le client {tenant} n'a pas de canal nommé {name!r} (ses canaux : {known}) ; "
                      "listez-les avec `balise notify list --tenant {tenant}`")
BAD_OUTCOME = Msg("--outcome {value!r}: use one of {known}", "--outcome {value!r} : utilisez l'un de {known}")
RATE_SUMMARY_SUBJECT = Msg("[Balise {tenant}] {n} more alert(s) held back by the rate limit",
                           "[Balise {tenant}] {n} alerte(s) de plus retenue(s) par la limite d'envoi")
RATE_SUMMARY_TEXT = Msg("This channel takes at most {limit} messages an hour; these alerts will be sent at a later "
                        "run. See them all now with `balise check --tenant {tenant}`.",
                        "Ce canal reçoit au plus {limit} messages par heure ; ces alertes partiront lors d'une "
                        "prochaine exécution. Voyez-les toutes dès maintenant avec `balise check --tenant {tenant}`.")
TEST_SUBJECT = Msg("[Balise {tenant}] test message", "[Balise {tenant}] message de test")
TEST_TEXT = Msg("If you read this, the channel {channel} works: Balise alerts will arrive here.",
                "Si vous lisez ceci, le canal {channel} fonctionne : les alertes de Balise arriveront ici.")

# --- balise check: alert messages -------------------------------------------------------------------------
KPI_SUBJECT = Msg("[Balise {tenant}] KPI in alert: {label} = {value} (alert when {threshold})",
                  "[Balise {tenant}] Indicateur en alerte : {label} = {value} (alerte si {threshold})")
KPI_TEXT = Msg("Owner: {owner}. Month: {month}.", "Responsable : {owner}. Mois : {month}.")
FINDING_SUBJECT = Msg("[Balise {tenant}] {severity} {code}: {title}", "[Balise {tenant}] {severity} {code} : {title}")
F_VALUE = Msg("Value", "Valeur")
F_ALERT_WHEN = Msg("Alert when", "Alerte si")
F_OWNER = Msg("Owner", "Responsable")
F_PERIOD = Msg("Period", "Période")
F_FREQUENCY = Msg("Frequency", "Fréquence")
F_SAVING = Msg("Monthly saving", "Économie mensuelle")
F_WHERE = Msg("Where", "Où")
F_FIRST_SEEN = Msg("First seen", "Vu pour la première fois")
F_UNKNOWN = Msg("unknown", "inconnue")
NO_DATA = Msg("no data", "pas de données")
FREQ_DAILY = Msg("daily", "quotidienne")
FREQ_WEEKLY = Msg("weekly", "hebdomadaire")
FREQ_MONTHLY = Msg("monthly", "mensuelle")
FREQ_QUARTERLY = Msg("quarterly", "trimestrielle")
FREQUENCIES = {"daily": FREQ_DAILY, "weekly": FREQ_WEEKLY, "monthly": FREQ_MONTHLY, "quarterly": FREQ_QUARTERLY}
SEV_CRITICAL = Msg("CRITICAL", "CRITIQUE")
SEV_HIGH = Msg("HIGH", "ÉLEVÉE")
SEV_MEDIUM = Msg("MEDIUM", "MOYENNE")
SEV_LOW = Msg("LOW", "FAIBLE")
SEV_INFO = Msg("INFO", "INFORMATION")
SEVERITIES = {"critical": SEV_CRITICAL, "high": SEV_HIGH, "medium": SEV_MEDIUM, "low": SEV_LOW, "info": SEV_INFO}

# --- CLI: balise check ------------------------------------------------------------------------------------
HELP_FORMAT = Msg("Output: table or json.", "Sortie : table ou json.")
HELP_CHECK = Msg(
    "For cron and CI: evaluate the KPIs and findings; exit 1 when a KPI is in alert or an open finding is at "
    "least --severity, 0 otherwise (2: wrong command line).",
    "Pour cron et la CI : évalue indicateurs et constats ; code de sortie 1 si un indicateur est en alerte ou "
    "si un constat ouvert atteint --severity, 0 sinon (2 : ligne de commande erronée).")
HELP_CHECK_SEVERITY = Msg("Fail on open findings of this severity or worse: critical, high (default), medium, low, "
                          "info.",
                          "Échouer sur les constats ouverts de cette gravité ou pire : critical, high (défaut), "
                          "medium, low, info.")
HELP_INCLUDE_ACK = Msg("Acknowledged findings fail the check too (by default only open ones do).",
                       "Les constats pris en compte font aussi échouer (par défaut seuls les ouverts).")
HELP_CHECK_NOTIFY = Msg("Send one message per alert through the tenant's channels (deduplicated, rate-limited).",
                        "Envoyer un message par alerte sur les canaux du client (dédupliqués, débit limité).")
CHECK_TITLE = Msg("Check of {tenant}, {month} (findings: {severity} or worse)",
                  "Vérification de {tenant}, {month} (constats : {severity} ou pire)")
CHECK_KPIS = Msg("KPIs in alert: {n} of {total}", "Indicateurs en alerte : {n} sur {total}")
CHECK_NO_KPI = Msg("No KPI in alert ({total} evaluated).", "Aucun indicateur en alerte ({total} évalués).")
CHECK_FINDINGS = Msg("Open findings, {severity} or worse: {n}", "Constats ouverts, {severity} ou pire : {n}")
CHECK_NO_FINDING = Msg("No open finding of severity {severity} or worse.",
                       "Aucun constat ouvert de gravité {severity} ou pire.")
CHECK_OPEN = Msg("All open findings by severity: {counts}; estimated saving {saving} a month.",
                 "Tous les constats ouverts par gravité : {counts} ; économie estimée {saving} par mois.")
CHECK_ACKNOWLEDGED = Msg("{n} acknowledged finding(s) of that severity do not fail the check "
                         "(--include-acknowledged to count them).",
                         "{n} constat(s) pris en compte de cette gravité ne font pas échouer la vérification "
                         "(--include-acknowledged pour les compter).")
CHECK_NO_CHANNEL = Msg("No notification channel is enabled for {tenant}: add one with "
                       "`balise notify add NAME --tenant {tenant} --kind slack --url URL`.",
                       "Aucun canal de notification actif pour {tenant} : ajoutez-en un avec "
                       "`balise notify add NOM --tenant {tenant} --kind slack --url URL`.")
CHECK_NOTIFIED = Msg("Notifications on {channels} channel(s): {sent} sent, {failed} failed, {dedup} already sent "
                     "in their period, {limited} held back by the rate limit.",
                     "Notifications sur {channels} canal(aux) : {sent} envoyée(s), {failed} en échec, {dedup} déjà "
                     "envoyée(s) sur leur période, {limited} retenue(s) par la limite d'envoi.")
SEND_FAILED = Msg("channel {channel}: {subject!r} not sent: {error}",
                  "canal {channel} : {subject!r} non envoyé : {error}")
SENDS_FAILED = Msg("channel {channel}: {n} messages not sent: {error}",
                   "canal {channel} : {n} messages non envoyés : {error}")
CHECK_FAIL = Msg("Result: alerts (exit {code}).", "Résultat : alertes (code de sortie {code}).")
CHECK_OK = Msg("Result: nothing to report (exit 0).", "Résultat : rien à signaler (code de sortie 0).")
H_KPI = Msg("KPI", "Indicateur")
H_SEVERITY = Msg("Severity", "Gravité")
H_CODE = Msg("Rule", "Règle")
H_TITLE = Msg("Title", "Titre")

# --- CLI: balise notify -----------------------------------------------------------------------------------
HELP_NOTIFY = Msg("Notification channels: webhook, Slack/Mattermost, Teams, e-mail.",
                  "Canaux de notification : webhook, Slack/Mattermost, Teams, e-mail.")
HELP_CHANNEL_NAME = Msg("Channel name (letters, digits, '.', '-', '_').", "Nom du canal (lettres, chiffres, . - _).")
HELP_NOTIFY_ADD = Msg("Add a channel to a tenant (the configuration is checked first).",
                      "Ajouter un canal à un client (la configuration est vérifiée d'abord).")
HELP_KIND = Msg("webhook (generic JSON), slack (also Mattermost), teams or email.",
                "webhook (JSON générique), slack (aussi Mattermost), teams ou email.")
HELP_URL = Msg("Webhook URL (http or https).", "URL du webhook (http ou https).")
HELP_HEADER = Msg("Extra HTTP header 'Name: value' (repeatable; webhook only).",
                  "En-tête HTTP supplémentaire « Nom: valeur » (répétable ; webhook seulement).")
HELP_SECRET = Msg("Secret to sign bodies with HMAC-SHA256 (stored in the state database; prefer --secret-env).",
                  "Secret pour signer les corps en HMAC-SHA256 (stocké dans la base d'état ; préférez --secret-env).")
HELP_SECRET_ENV = Msg("Name of the environment variable holding the signing secret.",
                      "Nom de la variable d'environnement qui contient le secret de signature.")
HELP_SMTP = Msg("SMTP server HOST:PORT (e-mail).", "Serveur SMTP HÔTE:PORT (e-mail).")
HELP_SMTP_TLS = Msg("starttls (default), ssl (port 465 default) or none (port 25 default).",
                    "starttls (défaut), ssl (défaut du port 465) ou none (défaut du port 25).")
HELP_SMTP_USER = Msg("SMTP login user name.", "Identifiant de connexion SMTP.")
HELP_SMTP_PASSWORD_ENV = Msg("Name of the environment variable holding the SMTP password.",
                             "Nom de la variable d'environnement qui contient le mot de passe SMTP.")
HELP_FROM = Msg("Sender address (e-mail).", "Adresse d'expédition (e-mail).")
HELP_TO = Msg("Recipient address (repeatable).", "Adresse destinataire (répétable).")
HELP_CHANNEL_LANG = Msg("Language of the messages sent to this channel: en or fr.",
                        "Langue des messages envoyés sur ce canal : en ou fr.")
HELP_RATE_LIMIT = Msg("At most this many messages an hour on this channel (default 20).",
                      "Au plus ce nombre de messages par heure sur ce canal (20 par défaut).")
HELP_FREQUENCY = Msg("Send the same alert at most once a day, week, month or quarter (overrides the alert's own).",
                     "Envoyer la même alerte au plus une fois par jour, semaine, mois ou trimestre (remplace celle "
                     "de l'alerte).")
HELP_MIN_SEVERITY = Msg("Send only alerts of this severity or worse.",
                        "N'envoyer que les alertes de cette gravité ou pire.")
CHANNEL_ADDED = Msg("Channel {name} ({kind}, {lang}) added to {tenant}: {target}. Try it with "
                    "`balise notify test {name} --tenant {tenant}`.",
                    "Canal {name} ({kind}, {lang}) ajouté à {tenant} : {target}. Essayez-le avec "
                    "`balise notify test {name} --tenant {tenant}`.")
HELP_NOTIFY_LIST = Msg("List a tenant's channels (secrets hidden).", "Lister les canaux d'un client (secrets masqués).")
NO_CHANNELS = Msg("{tenant} has no notification channel yet.", "{tenant} n'a pas encore de canal de notification.")
HELP_NOTIFY_REMOVE = Msg("Remove a channel (its log stays).", "Supprimer un canal (son journal reste).")
CHANNEL_REMOVED = Msg("Channel {name} removed from {tenant}.", "Canal {name} supprimé de {tenant}.")
HELP_NOTIFY_ENABLE = Msg("Enable a channel.", "Activer un canal.")
HELP_NOTIFY_DISABLE = Msg("Disable a channel (kept, but nothing is sent to it).",
                          "Désactiver un canal (conservé, mais rien ne lui est envoyé).")
CHANNEL_ENABLED = Msg("Channel {name} enabled.", "Canal {name} activé.")
CHANNEL_DISABLED = Msg("Channel {name} disabled.", "Canal {name} désactivé.")
HELP_NOTIFY_TEST = Msg("Send a test message now (outside deduplication and rate limits); exit 1 if it fails.",
                       "Envoyer un message de test maintenant (hors déduplication et limite) ; code 1 en cas d'échec.")
TEST_SENT = Msg("Test message sent on {channel} ({attempts} attempt(s)).",
                "Message de test envoyé sur {channel} ({attempts} essai(s)).")
HELP_NOTIFY_LOG = Msg("Every notification outcome of a tenant, latest first.",
                      "Chaque résultat de notification d'un client, le plus récent d'abord.")
HELP_LOG_CHANNEL = Msg("Only this channel.", "Seulement ce canal.")
HELP_LOG_OUTCOME = Msg("Only sent, failed, deduplicated or rate_limited.",
                       "Seulement sent, failed, deduplicated ou rate_limited.")
HELP_LOG_LIMIT = Msg("At most this many records (default 50).", "Au plus ce nombre d'enregistrements (50 par défaut).")
LOG_EMPTY = Msg("No notification recorded for {tenant}.", "Aucune notification enregistrée pour {tenant}.")
H_NAME = Msg("Name", "Nom")
H_KIND = Msg("Kind", "Type")
H_TARGET = Msg("Target", "Destination")
H_LANG = Msg("Language", "Langue")
H_ENABLED = Msg("Enabled", "Actif")
H_LIMIT = Msg("Max/hour", "Max/heure")
H_AT = Msg("When (UTC)", "Quand (UTC)")
H_CHANNEL = Msg("Channel", "Canal")
H_OUTCOME = Msg("Outcome", "Résultat")
H_ATTEMPTS = Msg("Attempts", "Essais")
H_SUBJECT = Msg("Subject", "Objet")
H_ERROR = Msg("Error", "Erreur")
