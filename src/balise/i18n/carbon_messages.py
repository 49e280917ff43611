"""Messages of the carbon footprint: `balise carbon`, its settings, its rules and its report section."""

from __future__ import annotations

from balise.i18n import Msg

# --- help ----------------------------------------------------------------------------------------------------
HELP_CARBON = Msg("Carbon footprint (kgCO2e, kWh) of a tenant's cloud by a dimension, with its factors.",
                  "Empreinte carbone (kgCO2e, kWh) du cloud d'un client selon une dimension, avec ses facteurs.")
HELP_BY = Msg("Group by month, provider, service, region, resource, account or tag:KEY.",
              "Regrouper par month, provider, service, region, resource, account ou tag:CLÉ.")
HELP_MONTH = Msg("One month (YYYY-MM).", "Un mois (AAAA-MM).")
HELP_START = Msg("First month (YYYY-MM).", "Premier mois (AAAA-MM).")
HELP_END = Msg("Last month (YYYY-MM).", "Dernier mois (AAAA-MM).")
HELP_GRID = Msg("Grid emission factors: shipped defaults and the tenant's overrides.",
                "Facteurs d'émission du réseau électrique : valeurs livrées et surcharges du client.")
HELP_GRID_IMPORT = Msg("Import grid factor overrides from a CSV zone,gco2e_per_kwh,year,source.",
                       "Importer des surcharges de facteurs depuis un CSV zone,gco2e_per_kwh,year,source.")
HELP_GRID_LIST = Msg("List the tenant's grid factor overrides.", "Lister les surcharges de facteurs du client.")
HELP_GRID_RESET = Msg("Remove the tenant's grid factor overrides.", "Supprimer les surcharges de facteurs du client.")
HELP_GRID_FETCH = Msg("Fetch the latest carbon intensity of zones from Electricity Maps (needs a token; opt-in).",
                      "Récupérer l'intensité carbone récente de zones chez Electricity Maps (jeton requis ; sur "
                      "demande).")
HELP_ZONE = Msg("Electricity Maps zone (FR, DE…); repeat the option for several.",
                "Zone Electricity Maps (FR, DE…) ; répétez l'option pour plusieurs.")
HELP_TOKEN = Msg("Electricity Maps API token (or ELECTRICITYMAPS_TOKEN).",
                 "Jeton de l'API Electricity Maps (ou ELECTRICITYMAPS_TOKEN).")
HELP_RENEWABLES = Msg("Renewable energy contracts of the tenant (market-based variant).",
                      "Contrats d'énergie renouvelable du client (variante « market-based »).")
HELP_REN_SET = Msg("Declare a renewable contract covering a share of a provider's (or region's) energy.",
                   "Déclarer un contrat renouvelable couvrant une part de l'énergie d'un fournisseur "
                   "(ou d'une région).")
HELP_REN_LIST = Msg("List the declared renewable contracts.", "Lister les contrats renouvelables déclarés.")
HELP_REN_REMOVE = Msg("Remove a declared renewable contract.", "Supprimer un contrat renouvelable déclaré.")
HELP_PROVIDER = Msg("Provider key (aws, azure, ovhcloud, scaleway…).", "Clé du fournisseur (aws, azure, ovhcloud…).")
HELP_REGION = Msg("Region (all of the provider's when omitted).", "Région (toutes celles du fournisseur si omise).")
HELP_SHARE = Msg("Share of the energy covered, 0 to 1.", "Part de l'énergie couverte, de 0 à 1.")
HELP_SOURCE = Msg("Where the contract is documented (contract reference, certificate).",
                  "Où le contrat est documenté (référence du contrat, certificat).")

# --- errors --------------------------------------------------------------------------------------------------
NO_FILE = Msg("{path}: no such file", "{path} : fichier introuvable")
BAD_BY = Msg("unknown dimension {by!r} (known: {known})", "dimension inconnue {by!r} (connues : {known})")
MONTH_AND_RANGE = Msg("give --month or --start/--end, not both", "donnez --month ou --start/--end, pas les deux")
GRID_COLUMNS = Msg("missing columns: {columns}", "colonnes manquantes : {columns}")
HINT_GRID = Msg("The file needs a header zone,gco2e_per_kwh[,year,source]; a zone is provider:region "
                "(ovhcloud:gra, aws:eu-west-3) or a two-letter country code (FR); factors in gCO2e/kWh, 0 to 2000.",
                "Le fichier doit avoir l'en-tête zone,gco2e_per_kwh[,year,source] ; une zone est fournisseur:région "
                "(ovhcloud:gra, aws:eu-west-3) ou un code pays à deux lettres (FR) ; facteurs en gCO2e/kWh, de 0 "
                "à 2000.")
GRID_BAD_ZONE = Msg("not a zone (provider:region or a country code)",
                    "pas une zone (fournisseur:région ou code pays)")
GRID_BAD_VALUE = Msg("not a factor in gCO2e/kWh between 0 and 2000", "pas un facteur en gCO2e/kWh entre 0 et 2000")
GRID_DUPLICATE = Msg("the zone {zone} is already given on an earlier line",
                     "la zone {zone} figure déjà sur une ligne précédente")
GRID_EMPTY = Msg("no factor in the file", "aucun facteur dans le fichier")
BAD_SHARE = Msg("the share must be between 0 and 1, not {share}", "la part doit être entre 0 et 1, pas {share}")
NEED_SOURCE = Msg("say where the contract is documented (--source)", "indiquez où le contrat est documenté (--source)")
EM_NO_TOKEN = Msg("Electricity Maps needs an API token: --token or ELECTRICITYMAPS_TOKEN",
                  "Electricity Maps demande un jeton d'API : --token ou ELECTRICITYMAPS_TOKEN")
EM_BAD_RESPONSE = Msg("Electricity Maps answered for {zone} with something unexpected ({detail})",
                      "Electricity Maps a répondu pour {zone} de façon inattendue ({detail})")
EM_HTTP = Msg("Electricity Maps refused the request for {zone}: HTTP {status} {detail}",
              "Electricity Maps a refusé la requête pour {zone} : HTTP {status} {detail}")
EM_UNREACHABLE = Msg("cannot reach {url}: {reason} (Balise works without it: the shipped factors apply)",
                     "impossible de joindre {url} : {reason} (Balise fonctionne sans : les facteurs livrés "
                     "s'appliquent)")

# --- output --------------------------------------------------------------------------------------------------
TITLE = Msg("Carbon footprint of {tenant} by {by} ({period}), location-based",
            "Empreinte carbone de {tenant} par {by} ({period}), méthode « location-based »")
ALL_PERIODS = Msg("all months", "tous les mois")
H_KEY = Msg("Key", "Clé")
H_KG = Msg("kgCO2e", "kgCO2e")
H_OPERATIONAL = Msg("operational", "exploitation")
H_EMBODIED = Msg("embodied", "fabrication")
H_MARKET = Msg("market-based", "selon contrats")
H_KWH = Msg("kWh", "kWh")
H_COST = Msg("cost", "coût")
H_CONFIDENCE = Msg("confidence", "confiance")
TOTAL = Msg("Total", "Total")
CONF = {"high": Msg("high", "haute"), "medium": Msg("medium", "moyenne"), "low": Msg("low", "faible"),
        "none": Msg("none", "aucune")}
METHODS_LINE = Msg("Methods: {methods}. Every row's factors: --format json.",
                   "Méthodes : {methods}. Les facteurs de chaque ligne : --format json.")
NO_USAGE = Msg("No usage rows for {tenant} in this period.", "Aucune ligne d'usage pour {tenant} sur cette période.")
GRID_IMPORTED = Msg("{n} grid factor overrides imported for {tenant}.",
                    "{n} surcharges de facteurs importées pour {tenant}.")
GRID_NONE = Msg("No grid factor override for {tenant}: the shipped factors apply.",
                "Aucune surcharge de facteur pour {tenant} : les facteurs livrés s'appliquent.")
GRID_RESET = Msg("Grid factor overrides of {tenant} removed.", "Surcharges de facteurs de {tenant} supprimées.")
GRID_FETCHED = Msg("{zone}: {value} gCO2e/kWh ({when}), kept as an override for {tenant}.",
                   "{zone} : {value} gCO2e/kWh ({when}), gardé comme surcharge pour {tenant}.")
H_ZONE = Msg("Zone", "Zone")
H_FACTOR = Msg("gCO2e/kWh", "gCO2e/kWh")
H_YEAR = Msg("Year", "Année")
H_SOURCE = Msg("Source", "Origine")
H_PROVIDER = Msg("Provider", "Fournisseur")
H_REGION = Msg("Region", "Région")
H_SHARE = Msg("Share", "Part")
REN_SET = Msg("Renewable contract for {provider} ({region}): {share} of the energy, source {source}.",
              "Contrat renouvelable pour {provider} ({region}) : {share} de l'énergie, source {source}.")
REN_NONE = Msg("No renewable contract declared for {tenant}: market-based = location-based.",
               "Aucun contrat renouvelable déclaré pour {tenant} : market-based = location-based.")
REN_REMOVED = Msg("Contract removed.", "Contrat supprimé.")
REN_NOT_FOUND = Msg("No such contract.", "Aucun contrat de ce type.")
ALL_REGIONS = Msg("all regions", "toutes les régions")
REPORT_CARBON = Msg("Carbon: {kg} kgCO2e ({operational} operational, {embodied} embodied) for {cost} of usage, "
                    "{kwh} kWh; {per_keur} kgCO2e per 1,000 € (location-based, CCF method).",
                    "Carbone : {kg} kgCO2e ({operational} d'exploitation, {embodied} de fabrication) pour {cost} "
                    "d'usage, {kwh} kWh ; {per_keur} kgCO2e pour 1 000 € (location-based, méthode CCF).")
REPORT_CARBON_PREVIOUS = Msg("Previous month: {kg} kgCO2e.", "Mois précédent : {kg} kgCO2e.")
REPORT_CARBON_MORE = Msg("Details and factors: balise carbon --tenant {tenant} --by service --month {month}",
                         "Détail et facteurs : balise carbon --tenant {tenant} --by service --month {month}")

# --- rules ---------------------------------------------------------------------------------------------------
GREENER_REGION = Msg(
    "{name} ({instance}) in {region} would emit {kg} kgCO2e a month less in {alternative} ({provider})",
    "{name} ({instance}) en {region} émettrait {kg} kgCO2e de moins par mois en {alternative} ({provider})")
GREENER_REGION_FIX = Msg(
    "Consider moving it to {alternative} ({alt_factor} gCO2e/kWh against {factor}): same provider and instance "
    "type; price difference {difference} a month from the catalog of {price_date}, which prices one location per "
    "provider, so check the regional price. Check data location rules, latency and egress first.",
    "Envisagez de le déplacer en {alternative} ({alt_factor} gCO2e/kWh contre {factor}) : même fournisseur et même "
    "type ; écart de prix {difference} par mois d'après le catalogue du {price_date}, qui n'a qu'un lieu par "
    "fournisseur : vérifiez le prix régional. Vérifiez d'abord les règles de localisation, la latence et la "
    "sortie de données.")
GREENER_OFFER = Msg(
    "Option: {alternative} at {alt_provider} ({alt_region}) would emit {kg} kgCO2e a month less than {instance} "
    "for {name}",
    "Option : {alternative} chez {alt_provider} ({alt_region}) émettrait {kg} kgCO2e de moins par mois que "
    "{instance} pour {name}")
GREENER_OFFER_FIX = Msg(
    "An option, not a verdict: same vCPU and memory or more, same CPU architecture, data kept in the EEA. Price "
    "difference {difference} a month (catalog of {price_date} for {provider}, {alt_date} for {alt_provider}; one "
    "location per provider). Compare performance, jurisdiction and migration effort first.",
    "Une option, pas un verdict : autant de vCPU et de mémoire ou plus, même architecture, données gardées dans "
    "l'EEE. Écart de prix {difference} par mois (catalogue du {price_date} pour {provider}, du {alt_date} pour "
    "{alt_provider} ; un lieu par fournisseur). Comparez d'abord performances, juridiction et effort de migration.")

# --- KPIs ----------------------------------------------------------------------------------------------------
KPI_NO_CARBON = Msg("no usage with an energy estimate in {month}",
                    "aucun usage avec une estimation d'énergie en {month}")
KPI_HOW = Msg("{kg} kgCO2e operational / {mwh} MWh drawn (IT x PUE), confidence {confidence}",
              "{kg} kgCO2e d'exploitation / {mwh} MWh consommés (informatique x PUE), confiance {confidence}")
KPI_UNIT_HOW = Msg("{kg} kgCO2e for {quantity} {unit}", "{kg} kgCO2e pour {quantity} {unit}")
