"""Every message a person reads, in English and French. Placeholders must match between the two."""

from __future__ import annotations

from balise.i18n import Msg

# --- where a problem is -----------------------------------------------------------------------------------
LINE = Msg("line {line}", "ligne {line}")
COLUMN = Msg("column {column!r}", "colonne {column!r}")
COLUMN_N = Msg("column {column!r} (#{n})", "colonne {column!r} (n° {n})")
VALUE = Msg(" (value {value!r})", " (valeur {value!r})")
MORE_PROBLEMS = Msg(" ({n} more problem(s) of this kind in the file)", " ({n} autre(s) problème(s) de ce type dans le fichier)")

# --- errors: workspace, tenants, options ------------------------------------------------------------------
UNKNOWN_TENANT = Msg(
    "unknown tenant {tenant!r} (tenants in this workspace: {known}); ingest a bill with "
    "`balise ingest FILE --tenant {tenant}` to create it",
    "client inconnu {tenant!r} (clients de cet espace : {known}) ; importez une facture avec "
    "`balise ingest FICHIER --tenant {tenant}` pour le créer")
NONE_YET = Msg("none yet", "aucun pour l'instant")
BAD_TENANT_NAME = Msg(
    "invalid tenant name {name!r}: use lower-case letters, digits, '-' or '_' (at most 63 characters, "
    "starting with a letter or digit)",
    "nom de client invalide {name!r} : utilisez des minuscules, chiffres, « - » ou « _ » (63 caractères au "
    "plus, en commençant par une lettre ou un chiffre)")
UNKNOWN_FORMAT_NAME = Msg("unknown format {name!r}; known formats: {known}",
                          "format inconnu {name!r} ; formats connus : {known}")
UNKNOWN_FORMAT = Msg(
    "{file}: the columns ({columns}) match no known billing format; if it is one of {known}, say which with "
    "--format NAME",
    "{file} : les colonnes ({columns}) ne correspondent à aucun format de facturation connu ; si c'est l'un "
    "de {known}, indiquez-le avec --format NOM")
NO_SUCH_PATH = Msg("{path}: no such file or folder", "{path} : fichier ou dossier introuvable")
EMPTY_FOLDER = Msg("{path}: the folder holds no billing file (.csv, .csv.gz, .parquet, .jsonl, .zip)",
                   "{path} : le dossier ne contient aucun fichier de facturation (.csv, .csv.gz, .parquet, "
                   ".jsonl, .zip)")
BAD_MONTH = Msg("{value!r} is not a month: write it as YYYY-MM, e.g. 2026-03",
                "{value!r} n'est pas un mois : écrivez-le AAAA-MM, par exemple 2026-03")
MONTHS_REVERSED = Msg("--from {start} is after --to {end}: swap them", "--from {start} est après --to {end} : inversez-les")
BAD_BY = Msg("cannot group by {by!r}: use one of {known}, or tag:KEY",
             "impossible de regrouper par {by!r} : utilisez l'un de {known}, ou tag:CLÉ")
NO_RATE = Msg("no exchange rate for {currency} in {source}; supply a rates file with --rates FILE "
              "(CSV date,currency,rate) or report with --currency native",
              "aucun taux de change pour {currency} dans {source} ; fournissez un fichier de taux avec "
              "--rates FICHIER (CSV date,currency,rate) ou restez en --currency native")
DB_UNAVAILABLE = Msg("cannot open the state database {url}: {error}. Check BALISE_DATABASE_URL and that the "
                     "server runs.",
                     "impossible d'ouvrir la base d'état {url} : {error}. Vérifiez BALISE_DATABASE_URL et que le "
                     "serveur tourne.")
OUT_EXISTS = Msg("{path} already exists; choose another --out or remove it first",
                 "{path} existe déjà ; choisissez un autre --out ou supprimez-le d'abord")
NO_DATA = Msg("tenant {tenant!r} has no billing data yet; ingest a bill with `balise ingest FILE --tenant {tenant}`",
              "le client {tenant!r} n'a pas encore de données ; importez une facture avec "
              "`balise ingest FICHIER --tenant {tenant}`")

# --- errors: source files ----------------------------------------------------------------------------------
EMPTY_FILE = Msg("the file is empty (0 bytes)", "le fichier est vide (0 octet)")
HINT_EXPORT_AGAIN = Msg("Export the bill again from the provider's console, then re-run the ingest.",
                        "Exportez de nouveau la facture depuis la console du fournisseur, puis relancez l'import.")
BLANK_FILE = Msg("the file holds no data (only blank space)", "le fichier ne contient aucune donnée (que des blancs)")
HINT_BLANK = Msg("Export the bill again; an export with no charges has at least a header.",
                 "Exportez de nouveau la facture ; un export sans frais a au moins une ligne d'en-tête.")
NOT_GZIP = Msg("the file ends in .gz but is not gzip-compressed", "le fichier finit par .gz mais n'est pas compressé en gzip")
HINT_NOT_GZIP = Msg("Rename it without .gz, or compress it with gzip.", "Renommez-le sans .gz, ou compressez-le avec gzip.")
GZIP_DAMAGED = Msg("the compressed file is damaged or truncated ({error})",
                   "le fichier compressé est abîmé ou tronqué ({error})")
HINT_DOWNLOAD_AGAIN = Msg("Download the export again; the copy was probably cut short.",
                          "Téléchargez de nouveau l'export ; la copie a sans doute été interrompue.")
NOT_ZIP = Msg("the file ends in .zip but is not a readable zip archive",
              "le fichier finit par .zip mais n'est pas une archive zip lisible")
HINT_NOT_ZIP = Msg("Download the export again, or unzip it yourself and ingest the files.",
                   "Téléchargez de nouveau l'export, ou décompressez-le vous-même et importez les fichiers.")
ZIP_TOO_MANY = Msg("the zip holds {n} files (limit {limit})", "le zip contient {n} fichiers (limite {limit})")
HINT_UNZIP = Msg("Unzip it and ingest the folder.", "Décompressez-le et importez le dossier.")
ZIP_EMPTY = Msg("the zip holds no billing file", "le zip ne contient aucun fichier de facturation")
HINT_ZIP_EMPTY = Msg("Check that you downloaded the right archive.", "Vérifiez que vous avez téléchargé la bonne archive.")
ZIP_BOMB = Msg("the archive expands far beyond a real bill (compression ratio over {ratio}:1 or over {gib} GiB): "
               "refused as a zip bomb",
               "l'archive se décompresse bien au-delà d'une vraie facture (taux de compression de plus de "
               "{ratio}:1 ou plus de {gib} Gio) : refusée comme bombe de décompression")
HINT_ZIP_BOMB = Msg("If it is a genuine export, unzip it yourself and ingest the extracted files.",
                    "S'il s'agit d'un vrai export, décompressez-le vous-même et importez les fichiers extraits.")
UNREADABLE = Msg("the file cannot be read ({error})", "le fichier est illisible ({error})")
HINT_COMPLETE_EXPORT = Msg("Check that it is a complete billing export.", "Vérifiez qu'il s'agit d'un export de facturation complet.")
MISSING_COLUMN = Msg("the column {column!r} is missing, and the {format} format needs it",
                     "la colonne {column!r} manque, et le format {format} en a besoin")
HINT_MISSING_COLUMN = Msg("Export the bill again with all columns (found: {found}…); docs/formats.md lists what "
                          "each format needs.",
                          "Exportez de nouveau la facture avec toutes ses colonnes (trouvées : {found}…) ; "
                          "docs/formats.md liste les colonnes de chaque format.")
NO_CURRENCY = Msg("the file has no billing-currency column", "le fichier n'a pas de colonne de devise de facturation")
HINT_CURRENCY = Msg("Say which currency it is billed in with --currency (e.g. --currency EUR).",
                    "Indiquez la devise de facturation avec --currency (par exemple --currency EUR).")
CONVERSION_FAILED = Msg("the file could not be converted ({error})", "le fichier n'a pas pu être converti ({error})")
HINT_SKIP = Msg("Check the export; re-run with --skip-bad-rows to set bad rows aside.",
                "Vérifiez l'export ; relancez avec --skip-bad-rows pour mettre de côté les lignes fautives.")
MISSING_OR_REVERSED = Msg("a required value is missing or a period ends before it starts",
                          "une valeur obligatoire manque ou une période finit avant de commencer")
CSV_BROKEN = Msg("the CSV structure is broken ({error})", "la structure CSV est cassée ({error})")
HINT_CSV_BROKEN = Msg("An unbalanced quote or a cut line: export the file again, or fix that line.",
                      "Un guillemet non fermé ou une ligne coupée : exportez de nouveau le fichier, ou corrigez "
                      "cette ligne.")
JSON_BROKEN = Msg("the line is not valid JSON ({error})", "la ligne n'est pas du JSON valide ({error})")
HINT_FIX_LINE = Msg("Export the file again, or fix that line.", "Exportez de nouveau le fichier, ou corrigez cette ligne.")
FIELD_COUNT = Msg("the line has {n} fields where the header has {expected}",
                  "la ligne a {n} champs alors que l'en-tête en a {expected}")
HINT_FIELD_COUNT = Msg("A field probably holds an unquoted delimiter, or the line was cut: fix or remove that line.",
                       "Un champ contient sans doute un séparateur non protégé par des guillemets, ou la ligne est "
                       "coupée : corrigez ou supprimez cette ligne.")
REQUIRED_EMPTY = Msg("{column} is empty, and every row needs it", "{column} est vide, et chaque ligne en a besoin")
HINT_FILL = Msg("Fill it in, or re-run with --skip-bad-rows to set such rows aside.",
                "Renseignez-la, ou relancez avec --skip-bad-rows pour mettre ces lignes de côté.")
NOT_A_NUMBER = Msg("not a number", "ce n'est pas un nombre")
HINT_NUMBER_POINT = Msg("Costs and quantities must be numbers written with a decimal point; fix the value, or "
                        "re-run with --skip-bad-rows.",
                        "Coûts et quantités doivent être des nombres écrits avec un point décimal ; corrigez la "
                        "valeur, ou relancez avec --skip-bad-rows.")
HINT_NUMBER_COMMA = Msg("Costs and quantities must be numbers written with a decimal comma; fix the value, or "
                        "re-run with --skip-bad-rows.",
                        "Coûts et quantités doivent être des nombres écrits avec une virgule décimale ; corrigez "
                        "la valeur, ou relancez avec --skip-bad-rows.")
NOT_A_DATE = Msg("not a valid date or date-time", "ce n'est pas une date ou un horodatage valide")
HINT_DATE = Msg("Write it as ISO 8601 (2026-03-01T00:00:00Z); fix the value, or re-run with --skip-bad-rows.",
                "Écrivez-la en ISO 8601 (2026-03-01T00:00:00Z) ; corrigez la valeur, ou relancez avec "
                "--skip-bad-rows.")
PERIOD_REVERSED = Msg("the period ends before it starts ({start_column} is {start})",
                      "la période finit avant de commencer ({start_column} vaut {start})")
HINT_PERIOD = Msg("Swap or correct the two dates, or re-run with --skip-bad-rows.",
                  "Inversez ou corrigez les deux dates, ou relancez avec --skip-bad-rows.")
RATES_COLUMNS = Msg("the rates file lacks the column(s) {columns}", "il manque la ou les colonnes {columns} au fichier de taux")
HINT_RATES_COLUMNS = Msg("Write a CSV with the header date,currency,rate (rate = units per 1 EUR).",
                         "Écrivez un CSV d'en-tête date,currency,rate (rate = unités pour 1 EUR).")
RATE_NOT_POSITIVE = Msg("the rate is not a positive number", "le taux n'est pas un nombre positif")
HINT_RATE = Msg("Give units of the currency for 1 EUR, e.g. 1.0812.", "Donnez les unités de la devise pour 1 EUR, par exemple 1,0812.")
BAD_REPORT_CURRENCY = Msg("cannot report in {currency}: use --currency native or --currency EUR",
                          "impossible de présenter en {currency} : utilisez --currency native ou --currency EUR")

# --- CLI labels --------------------------------------------------------------------------------------------
H_KEY = Msg("Key", "Clé")
H_COST = Msg("Cost", "Coût")
H_CURRENCY = Msg("Currency", "Devise")
H_ROWS = Msg("Rows", "Lignes")
H_SHARE = Msg("Share", "Part")
H_FILE = Msg("File", "Fichier")
H_FORMAT = Msg("Format", "Format")
H_PERIODS = Msg("Periods", "Périodes")
H_TOTALS = Msg("Billed total", "Total facturé")
H_INGESTED = Msg("Ingested", "Importé le")
H_STATUS = Msg("Status", "État")
H_REJECTED = Msg("Rejected", "Rejetées")
H_NAME = Msg("Name", "Nom")
H_PROVIDER = Msg("Provider", "Fournisseur")
H_VERIFIED = Msg("Verified on", "Vérifié sur")
H_RATE = Msg("Exchange rates used", "Taux de change utilisés")
STATUS_LIVE = Msg("live", "actif")
STATUS_PARTLY = Msg("partly replaced", "partiellement remplacé")
STATUS_REPLACED = Msg("replaced", "remplacé")
INGEST_LINE = Msg("{file}: {format}, {rows} rows, periods {periods}, billed {totals}",
                  "{file} : {format}, {rows} lignes, périodes {periods}, facturé {totals}")
INGEST_REJECTED = Msg("  {n} row(s) rejected (billed cost {cost}); reasons in {file}",
                      "  {n} ligne(s) rejetée(s) (coût facturé {cost}) ; motifs dans {file}")
INGEST_REPLACED = Msg("Replaced {n} earlier file(s) for the same accounts and periods.",
                      "{n} fichier(s) antérieur(s) remplacé(s) pour les mêmes comptes et périodes.")
INGEST_DONE = Msg("Tenant {tenant}: {n} source(s), {rows} rows ingested in {seconds} s ({rate} rows/s).",
                  "Client {tenant} : {n} source(s), {rows} lignes importées en {seconds} s ({rate} lignes/s).")
PROGRESS = Msg("Ingesting {file} ({format})", "Import de {file} ({format})")
EXPORTED = Msg("Wrote {rows} FOCUS rows to {path}.", "{rows} lignes FOCUS écrites dans {path}.")
NO_SOURCES = Msg("No source ingested for this tenant yet.", "Aucune source importée pour ce client.")
COSTS_TITLE = Msg("Costs by {by} ({metric}, {period})", "Coûts par {by} ({metric}, {period})")
ALL_PERIODS = Msg("all periods", "toutes périodes")
TOTAL = Msg("Total", "Total")
REPORT_TITLE = Msg("Balise — cockpit for {tenant}, {month}", "Balise — cockpit de {tenant}, {month}")
REPORT_SPEND = Msg("Spend this month: {total}", "Dépense du mois : {total}")
REPORT_CHANGE = Msg("vs {month}: {previous} ({change})", "par rapport à {month} : {previous} ({change})")
REPORT_NO_PREVIOUS = Msg("no data for {month} to compare with", "pas de données pour {month} à comparer")
REPORT_TOP_SERVICES = Msg("Top services", "Principaux services")
REPORT_TOP_PROVIDERS = Msg("Top providers", "Principaux fournisseurs")
REPORT_TOP_REGIONS = Msg("Top regions", "Principales régions")
REPORT_UNTAGGED = Msg("Untagged spend: {cost} ({share} of the month)", "Dépense sans étiquette : {cost} ({share} du mois)")
REPORT_ROWS = Msg("{rows} billing rows this month.", "{rows} lignes de facturation ce mois-ci.")
REPORT_RATES = Msg("Converted to EUR at: {rates}", "Converti en EUR aux taux : {rates}")
REPORT_KPIS = Msg("Indicators (KPIs): {alert} in alert, {ok} ok, {no_data} without data",
                  "Indicateurs (KPI) : {alert} en alerte, {ok} conformes, {no_data} sans données")
REPORT_FINDINGS = Msg("Top findings ({n} open; estimated savings {amount} a month, options elsewhere up to {options})",
                      "Principaux constats ({n} ouverts ; économies estimées {amount} par mois, options ailleurs "
                      "jusqu'à {options})")
REPORT_NO_FINDINGS = Msg("No open finding this month.", "Aucun constat ouvert ce mois-ci.")
REPORT_MORE = Msg("All of them: balise findings --tenant {tenant}; indicators: balise kpis --tenant {tenant}",
                  "Tous : balise findings --tenant {tenant} ; indicateurs : balise kpis --tenant {tenant}")
DEMO_DONE = Msg("Demo company loaded as tenant {tenant} in {workspace}.", "Entreprise de démonstration chargée comme client {tenant} dans {workspace}.")
TENANTS_NONE = Msg("No tenant yet: ingest a bill with `balise ingest FILE --tenant NAME`.",
                   "Aucun client : importez une facture avec `balise ingest FICHIER --tenant NOM`.")
ERROR = Msg("Error", "Erreur")
BUG = Msg("Unexpected internal error (a bug): {error}. Please report it with the command you ran.",
          "Erreur interne inattendue (un bogue) : {error}. Merci de la signaler avec la commande lancée.")

# --- CLI help ----------------------------------------------------------------------------------------------
HELP_APP = Msg("Balise: a sovereign cloud cockpit — what you spend, where it goes, from every bill.",
               "Balise : un cockpit cloud souverain — ce que vous dépensez et où, à partir de chaque facture.")
HELP_WORKSPACE = Msg("Folder holding the state database and the lake (default: $BALISE_HOME, else your data folder).",
                     "Dossier de la base d'état et du lac de données (par défaut : $BALISE_HOME, sinon votre dossier de données).")
HELP_LANG = Msg("Language of messages: en or fr (default: $BALISE_LANG or your locale).",
                "Langue des messages : en ou fr (par défaut : $BALISE_LANG ou votre locale).")
HELP_INGEST = Msg("Ingest billing exports (files, folders, .gz, .zip) into a tenant's FOCUS lake.",
                  "Importer des exports de facturation (fichiers, dossiers, .gz, .zip) dans le lac FOCUS d'un client.")
HELP_TENANT = Msg("Tenant name (created on first ingest).", "Nom du client (créé au premier import).")
HELP_FORMAT_IN = Msg("Force the input format instead of detecting it (see `balise formats`).",
                     "Imposer le format d'entrée au lieu de le détecter (voir `balise formats`).")
HELP_SKIP = Msg("Ingest the good rows and write the bad ones, with reasons, to a reject file.",
                "Importer les bonnes lignes et écrire les mauvaises, avec leur motif, dans un fichier de rejets.")
HELP_CURRENCY_IN = Msg("Billing currency of files that have no currency column (e.g. EUR).",
                       "Devise de facturation des fichiers sans colonne de devise (par exemple EUR).")
HELP_COSTS = Msg("Where the money goes: costs grouped by a dimension.", "Où va l'argent : coûts regroupés par dimension.")
HELP_BY = Msg("provider, service, region, account, month or tag:KEY", "provider, service, region, account, month ou tag:CLÉ")
HELP_METRIC = Msg("billed (invoiced), effective (amortised) or list (public price).",
                  "billed (facturé), effective (amorti) ou list (prix public).")
HELP_CURRENCY_OUT = Msg("native (each billing currency) or EUR (converted at ECB monthly average rates).",
                        "native (chaque devise de facturation) ou EUR (converti aux taux moyens mensuels BCE).")
HELP_RATES = Msg("Your own exchange-rate file (CSV date,currency,rate; rate = units per 1 EUR).",
                 "Votre propre fichier de taux (CSV date,currency,rate ; rate = unités pour 1 EUR).")
HELP_FROM = Msg("First month (YYYY-MM).", "Premier mois (AAAA-MM).")
HELP_TO = Msg("Last month (YYYY-MM).", "Dernier mois (AAAA-MM).")
HELP_OUTPUT = Msg("Output: table, json or csv.", "Sortie : table, json ou csv.")
HELP_REPORT = Msg("The cockpit summary of a month.", "La synthèse cockpit d'un mois.")
HELP_MONTH = Msg("Month (YYYY-MM; default: the latest with data).", "Mois (AAAA-MM ; par défaut : le dernier avec des données).")
HELP_SOURCES = Msg("What was ingested: files, checksums, rows, periods, totals.",
                   "Ce qui a été importé : fichiers, empreintes, lignes, périodes, totaux.")
HELP_EXPORT = Msg("Write the tenant's FOCUS 1.2 rows to a CSV or Parquet file.",
                  "Écrire les lignes FOCUS 1.2 du client dans un fichier CSV ou Parquet.")
HELP_OUT = Msg("File to write.", "Fichier à écrire.")
HELP_DEMO = Msg("Generate and ingest the demo company (tenant demo), then print its report.",
                "Générer et importer l'entreprise de démonstration (client demo), puis afficher son rapport.")
HELP_ROWS = Msg("Scale the demo to this many rows (for benchmarks).", "Porter la démo à ce nombre de lignes (pour les mesures).")
HELP_TENANTS = Msg("List the tenants of the workspace.", "Lister les clients de l'espace de travail.")
HELP_FORMATS = Msg("List the billing formats Balise reads.", "Lister les formats de facturation que Balise sait lire.")

# --- exchange rates ----------------------------------------------------------------------------------------
RATE_ECB = Msg("ECB reference rates to {last}, monthly average", "taux de référence BCE jusqu'au {last}, moyenne mensuelle")
RATE_FILE = Msg("rates file {name}", "fichier de taux {name}")
RATE_IDENTITY = Msg("no conversion", "sans conversion")
RATE_DESC = Msg("1 EUR = {rate} {currency} ({source}, {month})", "1 EUR = {rate} {currency} ({source}, {month})")
RATE_DESC_LAG = Msg("1 EUR = {rate} {currency} ({source}, for {month}: latest available {basis})",
                    "1 EUR = {rate} {currency} ({source}, pour {month} : dernier disponible {basis})")
DEMO_BAD_ARGS = Msg("cannot generate the demo company: {error}", "impossible de générer l'entreprise de démonstration : {error}")
NO_VALUE = Msg("(none)", "(aucune valeur)")
