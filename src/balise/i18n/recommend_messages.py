"""Messages of the built-in FinOps recommendations (forgotten resources, rightsizing, commitments, cheaper
offers) and of utilisation imports (English and French, same placeholders)."""

from __future__ import annotations

from balise.i18n import Msg

# --- forgotten and idle resources ---------------------------------------------------------------------------
FORGOTTEN_VM = Msg(
    "Forgotten VM {name}: billed every day for {days} days at a constant cost, with no owner tag",
    "VM oubliée {name} : facturée chaque jour depuis {days} jours à coût constant, sans étiquette de propriétaire")
FORGOTTEN_VM_FIX = Msg(
    "Find who launched it (account {account}); tag it with its owner, or stop it and delete it (after a snapshot "
    "of its disks) if nobody claims it.",
    "Retrouver qui l'a lancée (compte {account}) ; lui poser l'étiquette de son propriétaire, ou l'arrêter puis la "
    "supprimer (après un instantané de ses disques) si personne ne la réclame.")
UNATTACHED_VOLUME = Msg("Unattached volume {name} still billed", "Volume non attaché {name} toujours facturé")
UNATTACHED_VOLUME_FIX = Msg(
    "Check that no instance uses it, snapshot it if its data matters, then delete it.",
    "Vérifier qu'aucune instance ne l'utilise, en faire un instantané si ses données comptent, puis le supprimer.")
IDLE_IP = Msg("Idle public IP address {name} still billed", "Adresse IP publique inutilisée {name} toujours facturée")
IDLE_IP_FIX = Msg(
    "Release the address, or attach it to the instance that needs it.",
    "Libérer l'adresse, ou l'attacher à l'instance qui en a besoin.")
STOPPED_STORAGE = Msg(
    "Storage {name} billed while its instance {instance} has had no compute cost for {days} days",
    "Stockage {name} facturé alors que son instance {instance} n'a plus de coût de calcul depuis {days} jours")
STOPPED_STORAGE_FIX = Msg(
    "A stopped instance still pays for its disks. If the instance is not coming back, snapshot the volume and "
    "delete it; otherwise restart or resize it.",
    "Une instance arrêtée paie toujours ses disques. Si l'instance ne doit pas redémarrer, faire un instantané du "
    "volume puis le supprimer ; sinon la redémarrer ou la redimensionner.")
COST_NO_USAGE = Msg(
    "{name} is billed with no usage ({unit} = 0) for {days} days",
    "{name} est facturé sans aucun usage ({unit} = 0) depuis {days} jours")
COST_NO_USAGE_FIX = Msg(
    "Check what it is billed for: delete it if nobody uses it, or ask the provider why a charge has no quantity.",
    "Vérifier ce qui est facturé : le supprimer si personne ne s'en sert, ou demander au fournisseur pourquoi une "
    "charge n'a pas de quantité.")

# --- utilisation imports: CSV -----------------------------------------------------------------------------
UTIL_NO_FILE = Msg("{path}: no such file", "{path} : fichier introuvable")
UTIL_EMPTY = Msg("the file holds no header line", "le fichier n'a pas de ligne d'en-tête")
UTIL_MISSING_COLUMN = Msg("the column {column!r} is missing", "il manque la colonne {column!r}")
UTIL_NEED_KEY = Msg("neither a resource_id nor a resource_name column", "ni colonne resource_id ni resource_name")
HINT_UTIL_COLUMNS = Msg(
    "Write a CSV with the header timestamp,resource_id,cpu_percent[,memory_percent] (resource_name may replace "
    "resource_id); found: {found}.",
    "Écrivez un CSV d'en-tête timestamp,resource_id,cpu_percent[,memory_percent] (resource_name peut remplacer "
    "resource_id) ; trouvé : {found}.")
UTIL_FIELDS = Msg("{n} fields where the header has {expected}", "{n} champs alors que l'en-tête en a {expected}")
HINT_UTIL_FIELDS = Msg("Quote values that contain the delimiter, or fix that line.",
                       "Mettez entre guillemets les valeurs qui contiennent le séparateur, ou corrigez cette ligne.")
UTIL_BAD_TIMESTAMP = Msg("not an ISO 8601 timestamp", "n'est pas un horodatage ISO 8601")
HINT_UTIL_TIMESTAMP = Msg("Write it as 2026-10-01T14:00:00Z (UTC) or with an offset, 2026-10-01T16:00:00+02:00.",
                          "Écrivez-le 2026-10-01T14:00:00Z (UTC) ou avec un décalage, 2026-10-01T16:00:00+02:00.")
UTIL_BAD_PERCENT = Msg("not a percentage from 0 to 100", "n'est pas un pourcentage de 0 à 100")
HINT_UTIL_PERCENT = Msg("Write a number from 0 to 100 (12.5 or 12,5); leave memory_percent empty when unknown.",
                        "Écrivez un nombre de 0 à 100 (12.5 ou 12,5) ; laissez memory_percent vide s'il est inconnu.")
UTIL_EMPTY_KEY = Msg("no resource id or name on this line", "aucun identifiant ni nom de ressource sur cette ligne")
HINT_UTIL_KEY = Msg("Give the ResourceId (or ResourceName) the bills use for this resource.",
                    "Indiquez le ResourceId (ou ResourceName) que les factures donnent à cette ressource.")
UTIL_NO_SAMPLES = Msg("{source}: no utilisation sample to import",
                      "{source} : aucun échantillon d'utilisation à importer")

# --- utilisation imports: Prometheus -------------------------------------------------------------------------
PROM_UNREACHABLE = Msg(
    "cannot reach Prometheus at {url}: {reason}. Check the URL (e.g. http://prometheus:9090) and that the server "
    "runs.",
    "impossible de joindre Prometheus à {url} : {reason}. Vérifiez l'URL (par exemple http://prometheus:9090) et "
    "que le serveur tourne.")
PROM_ERROR = Msg(
    "Prometheus at {url} refused the query {query!r} (HTTP {status}, {error_type}): {error}",
    "Prometheus à {url} a refusé la requête {query!r} (HTTP {status}, {error_type}) : {error}")
PROM_BAD_RESPONSE = Msg(
    "{url} did not answer like the Prometheus HTTP API ({detail}); give the server's base URL, e.g. "
    "http://prometheus:9090",
    "{url} n'a pas répondu comme l'API HTTP de Prometheus ({detail}) ; donnez l'URL de base du serveur, par "
    "exemple http://prometheus:9090")
PROM_NOT_FRACTION = Msg(
    "the query {query!r} returned {value} for {key}: utilisation queries must return a fraction from 0 to 1; "
    "divide a percentage by 100",
    "la requête {query!r} a renvoyé {value} pour {key} : les requêtes d'utilisation doivent renvoyer une "
    "fraction de 0 à 1 ; divisez un pourcentage par 100")
PROM_NO_LABEL = Msg(
    "no series of the query {query!r} carries the label {label!r}; choose the label naming the machine with "
    "--label (found: {found})",
    "aucune série de la requête {query!r} ne porte l'étiquette {label!r} ; choisissez l'étiquette qui nomme la "
    "machine avec --label (trouvé : {found})")
BAD_STEP = Msg("{value!r} is not a step: write a duration such as 30s, 5m, 1h",
               "{value!r} n'est pas un pas : écrivez une durée comme 30s, 5m, 1h")
BAD_TIME = Msg("{value!r} is not a date or time: write 2026-10-01 or 2026-10-01T14:00:00Z",
               "{value!r} n'est ni une date ni une heure : écrivez 2026-10-01 ou 2026-10-01T14:00:00Z")
TIMES_REVERSED = Msg("--from {start} is not before --to {end}", "--from {start} n'est pas avant --to {end}")
UTIL_NEED_SOURCE = Msg(
    "give a CSV file, or --prometheus URL with --from and --to",
    "donnez un fichier CSV, ou --prometheus URL avec --from et --to")

# --- rightsizing ----------------------------------------------------------------------------------------------
PCT = Msg("{value}%", "{value} %")
UNKNOWN_VALUE = Msg("unknown", "inconnue")
RIGHTSIZE = Msg(
    "Rightsize {name}: {current} to {proposed} (p95 CPU {cpu}, memory {memory})",
    "Redimensionner {name} : {current} vers {proposed} (p95 CPU {cpu}, mémoire {memory})")
RIGHTSIZE_FIX = Msg(
    "Resize it to {proposed} ({vcpu} vCPU, {ram} GB) in a maintenance window, then watch its p95 for a week. "
    "Catalog prices of {price_date} ({location}); check today's price for your region.",
    "Le passer en {proposed} ({vcpu} vCPU, {ram} Go) lors d'une fenêtre de maintenance, puis surveiller son p95 "
    "pendant une semaine. Prix du catalogue du {price_date} ({location}) ; vérifiez le prix du jour dans votre "
    "région.")
RIGHTSIZE_UNKNOWN = Msg("Cannot size {name}: {reason}", "Impossible de dimensionner {name} : {reason}")
RIGHTSIZE_UNKNOWN_FIX = Msg(
    "Import its CPU and memory utilisation (`balise utilisation import`), or check that its SKU or description "
    "names an instance type of the catalog.",
    "Importer son utilisation CPU et mémoire (`balise utilisation import`), ou vérifier que son SKU ou sa "
    "description nomme un type d'instance du catalogue.")
REASON_NO_UTILISATION = Msg("no utilisation sample in the last {days} days",
                            "aucun échantillon d'utilisation sur les {days} derniers jours")
REASON_FEW_SAMPLES = Msg("only {n} utilisation samples in the last {days} days (at least {min} needed)",
                         "seulement {n} échantillons d'utilisation sur les {days} derniers jours (il en faut "
                         "au moins {min})")
REASON_NO_TYPE = Msg("its instance type is not in the offer catalog", "son type d'instance n'est pas dans le "
                     "catalogue d'offres")
REASON_AMBIGUOUS = Msg("the samples of {key!r} match several resources", "les échantillons de {key!r} "
                       "correspondent à plusieurs ressources")

# --- commitments ------------------------------------------------------------------------------------------
COMMIT_PURCHASE = Msg(
    "Commit to about {hourly} an hour of {provider} compute for {term} months: a stable on-demand baseline",
    "S'engager sur environ {hourly} de l'heure de calcul {provider} pendant {term} mois : une base stable "
    "d'usage à la demande")
COMMIT_PURCHASE_FIX = Msg(
    "Buy a savings plan (or reservations) of {hourly} an hour, the discounted price of {on_demand} an hour of "
    "on-demand usage that ran every day of the last {days} days. The discount ({discount}) is an assumption: "
    "check the provider's rates for your instance mix. It pays off as long as at least {break_even} of it is "
    "used.",
    "Acheter un savings plan (ou des réservations) de {hourly} de l'heure, le prix remisé de {on_demand} de "
    "l'heure d'usage à la demande présent chaque jour des {days} derniers jours. La remise ({discount}) est une "
    "hypothèse : vérifiez les tarifs du fournisseur pour vos types d'instance. L'engagement est rentable tant "
    "qu'au moins {break_even} en est utilisé.")
COMMIT_UNDERUSED = Msg(
    "Commitment {name} used at {utilisation} in {period}: {unused} paid for nothing",
    "Engagement {name} utilisé à {utilisation} en {period} : {unused} payés pour rien")
COMMIT_UNDERUSED_FIX = Msg(
    "Move eligible usage onto it (same instance family, region or scope), or exchange or sell it where the "
    "provider allows (AWS Reserved Instance Marketplace, Azure reservation exchange); do not renew it at this "
    "size.",
    "Y faire passer de l'usage éligible (même famille d'instance, région ou périmètre), ou l'échanger ou le "
    "revendre quand le fournisseur le permet (AWS Reserved Instance Marketplace, échange de réservation Azure) ; "
    "ne pas le renouveler à cette taille.")

# --- cheaper equivalent offer ---------------------------------------------------------------------------------
CHEAPER_OFFER = Msg(
    "Option: {alternative} at {alt_provider} would cost {difference} a month less than {current} for {name}",
    "Option : {alternative} chez {alt_provider} coûterait {difference} de moins par mois que {current} pour "
    "{name}")
CHEAPER_OFFER_FIX = Msg(
    "An option, not a verdict: compare performance, data location and jurisdiction, egress and migration effort "
    "first. Catalog prices of {current_date} ({provider}, {current_location}) and {alt_date} ({alt_provider}, "
    "{alt_location}): one location per provider, not your region.",
    "Une option, pas un verdict : comparez d'abord performances, localisation et juridiction des données, sortie "
    "de données et effort de migration. Prix du catalogue du {current_date} ({provider}, {current_location}) et "
    "du {alt_date} ({alt_provider}, {alt_location}) : un seul lieu par fournisseur, pas votre région.")

# --- CLI: balise utilisation --------------------------------------------------------------------------------
HELP_UTILISATION = Msg("Import and list CPU and memory utilisation (for rightsizing).",
                       "Importer et lister l'utilisation CPU et mémoire (pour le redimensionnement).")
HELP_UTIL_IMPORT = Msg(
    "Import utilisation samples: a CSV FILE (timestamp,resource_id,cpu_percent[,memory_percent]) or a Prometheus "
    "server (--prometheus URL --from … --to …).",
    "Importer des échantillons d'utilisation : un FICHIER CSV (timestamp,resource_id,cpu_percent"
    "[,memory_percent]) ou un serveur Prometheus (--prometheus URL --from … --to …).")
HELP_UTIL_FILE = Msg("CSV file of samples.", "Fichier CSV d'échantillons.")
HELP_PROMETHEUS = Msg("Base URL of a Prometheus server, e.g. http://prometheus:9090.",
                      "URL de base d'un serveur Prometheus, par exemple http://prometheus:9090.")
HELP_UTIL_FROM = Msg("Start (UTC): 2026-10-01 or 2026-10-01T00:00:00Z.",
                     "Début (UTC) : 2026-10-01 ou 2026-10-01T00:00:00Z.")
HELP_UTIL_TO = Msg("End (UTC); a date alone means the end of that day.",
                   "Fin (UTC) ; une date seule signifie la fin de ce jour.")
HELP_STEP = Msg("Prometheus query resolution: 30s, 5m, 1h.", "Résolution des requêtes Prometheus : 30s, 5m, 1h.")
HELP_CPU_QUERY = Msg("PromQL giving the CPU busy fraction (0–1) per machine.",
                     "PromQL donnant la part de CPU occupée (0–1) par machine.")
HELP_MEMORY_QUERY = Msg("PromQL giving the memory used fraction (0–1) per machine; 'none' to skip.",
                        "PromQL donnant la part de mémoire utilisée (0–1) par machine ; « none » pour l'omettre.")
HELP_LABEL = Msg("Label naming the machine (its ResourceId or ResourceName; a :port suffix is dropped).",
                 "Étiquette qui nomme la machine (son ResourceId ou ResourceName ; un suffixe :port est retiré).")
HELP_UTIL_LIST = Msg("List the utilisation imports of a tenant.", "Lister les imports d'utilisation d'un client.")
UTIL_IMPORTED = Msg(
    "Imported {samples} samples of {resources} resource(s) from {first} to {last} (import {id}).",
    "{samples} échantillons de {resources} ressource(s) importés, du {first} au {last} (import {id}).")
UTIL_REPLACED = Msg("It replaces {n} earlier import(s) of the same samples.",
                    "Il remplace {n} import(s) antérieur(s) des mêmes échantillons.")
UTIL_NONE = Msg("No utilisation imported for tenant {tenant} yet; run `balise utilisation import FILE --tenant "
                "{tenant}`.",
                "Aucune utilisation importée pour le client {tenant} ; lancez `balise utilisation import FICHIER "
                "--tenant {tenant}`.")
H_UTIL_ID = Msg("Import", "N° d'import")
H_UTIL_SOURCE = Msg("Source", "Origine")
H_UTIL_RESOURCES = Msg("Resources", "Ressources")
H_UTIL_SAMPLES = Msg("Samples", "Échantillons")
H_UTIL_FIRST = Msg("First", "Premier")
H_UTIL_LAST = Msg("Last", "Dernier")
H_UTIL_IMPORTED = Msg("Imported at", "Importé le")
