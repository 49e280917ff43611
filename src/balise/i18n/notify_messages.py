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
