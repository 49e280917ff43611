"""Messages of KPIs, budgets, allocation and showback, business units, and the anomaly, forecast and
commitment commands (English and French, same placeholders)."""

from __future__ import annotations

from balise.i18n import Msg

# --- YAML documents -----------------------------------------------------------------------------------------
YAML_SYNTAX = Msg("not valid YAML: {error}", "YAML invalide : {error}")
HINT_YAML_SYNTAX = Msg("Fix the YAML syntax at that place (indentation, a missing ':' or quote).",
                       "Corrigez la syntaxe YAML à cet endroit (indentation, « : » ou guillemet manquant).")
SCHEMA_UNKNOWN_KEY = Msg("unknown key {key!r} (allowed here: {allowed})",
                         "clé inconnue {key!r} (clés permises ici : {allowed})")
SCHEMA_MISSING_KEY = Msg("the key {key!r} is missing", "il manque la clé {key!r}")
SCHEMA_NOT_ONE_OF = Msg("the value must be one of {allowed}", "la valeur doit être l'une de {allowed}")
SCHEMA_WRONG_TYPE = Msg("the value must be a {expected}", "la valeur doit être de type {expected}")
SCHEMA_INVALID = Msg("invalid value ({detail})", "valeur invalide ({detail})")

# --- KPI policy ---------------------------------------------------------------------------------------------
HINT_KPI_SCHEMA = Msg(
    "Each KPI needs id, label {{en, fr}}, unit, computation {{metric, params}}, threshold {{operator, value}} "
    "or null, frequency (daily, weekly, monthly, quarterly), owner and description {{en, fr}}; "
    "docs/kpis.md shows a complete file.",
    "Chaque indicateur a besoin de id, label {{en, fr}}, unit, computation {{metric, params}}, threshold "
    "{{operator, value}} ou null, frequency (daily, weekly, monthly, quarterly), owner et description "
    "{{en, fr}} ; docs/kpis.md montre un fichier complet.")
HINT_METRIC_PARAMS = Msg("The metric {metric} accepts these parameters: {params} (docs/kpis.md).",
                         "La métrique {metric} accepte ces paramètres : {params} (docs/kpis.md).")
DUPLICATE_KPI = Msg("the KPI id {id!r} is already used by KPI #{first} of this file",
                    "l'identifiant {id!r} est déjà celui de l'indicateur n° {first} de ce fichier")
HINT_DUPLICATE_KPI = Msg("Give each KPI its own id.", "Donnez à chaque indicateur son propre identifiant.")
KPI_IS_DEFAULT = Msg("the KPI id {id!r} is a default KPI", "l'identifiant {id!r} est celui d'un indicateur par défaut")
HINT_KPI_IS_DEFAULT = Msg(
    "Choose another id, or change the default's threshold, owner or frequency with "
    "`balise kpis set {id} --tenant TENANT`.",
    "Choisissez un autre identifiant, ou changez le seuil, le responsable ou la fréquence de l'indicateur par "
    "défaut avec `balise kpis set {id} --tenant CLIENT`.")
BAD_THRESHOLD = Msg(
    "{text!r} is not a threshold: write an operator (>, <, >=, <=) and a number, e.g. '<35' or '>=1', or "
    "'none' to remove it",
    "{text!r} n'est pas un seuil : écrivez un opérateur (>, <, >=, <=) et un nombre, par exemple « <35 » ou "
    "« >=1 », ou « none » pour le retirer")
BAD_FREQUENCY = Msg("{value!r} is not a frequency; use one of {known}",
                    "{value!r} n'est pas une fréquence ; utilisez l'une de {known}")
UNKNOWN_KPI = Msg("unknown KPI {id!r}; KPIs of this tenant: {known}",
                  "indicateur inconnu {id!r} ; indicateurs de ce client : {known}")
NOT_ADDED_KPI = Msg("{id!r} is a default KPI: it cannot be removed, only changed with `balise kpis set` and "
                    "restored with `balise kpis reset`",
                    "{id!r} est un indicateur par défaut : on ne peut pas le retirer, seulement le modifier avec "
                    "`balise kpis set` et le rétablir avec `balise kpis reset`")
NOTHING_TO_SET = Msg("nothing to change: give --threshold, --owner or --frequency",
                     "rien à changer : indiquez --threshold, --owner ou --frequency")
KPI_SET = Msg("KPI {id} of {tenant}: {changes}", "Indicateur {id} de {tenant} : {changes}")
KPI_RESET = Msg("KPI {id} of {tenant} is back to its definition ({origin})",
                "L'indicateur {id} de {tenant} reprend sa définition ({origin})")
KPI_ADDED = Msg("{n} KPI(s) added to {tenant} from {file}: {ids}",
                "{n} indicateur(s) ajouté(s) à {tenant} depuis {file} : {ids}")
KPI_REMOVED = Msg("KPI {id} removed from {tenant}", "Indicateur {id} retiré de {tenant}")
KPIS_TITLE = Msg("KPIs of {tenant}, {month} (data up to {as_of})",
                 "Indicateurs de {tenant}, {month} (données jusqu'au {as_of})")
KPIS_SUMMARY = Msg("{alert} in alert, {ok} ok, {no_data} without data",
                   "{alert} en alerte, {ok} ok, {no_data} sans données")
ST_OK = Msg("ok", "ok")
ST_ALERT = Msg("ALERT", "ALERTE")
ST_NO_DATA = Msg("no data", "pas de données")
FREQ = {
    "daily": Msg("daily", "quotidienne"), "weekly": Msg("weekly", "hebdomadaire"),
    "monthly": Msg("monthly", "mensuelle"), "quarterly": Msg("quarterly", "trimestrielle"),
}
H_KPI = Msg("KPI", "Indicateur")
H_VALUE = Msg("Value", "Valeur")
H_THRESHOLD = Msg("Alert when", "Alerte si")
H_STATUS = Msg("Status", "État")
H_OWNER = Msg("Owner", "Responsable")
H_FREQUENCY = Msg("Frequency", "Fréquence")
H_HOW = Msg("How (inputs, period)", "Calcul (données, période)")
NO_THRESHOLD = Msg("no threshold", "sans seuil")

# --- KPI reasons and notes ----------------------------------------------------------------------------------
REASON_NO_SERIES = Msg("no daily spend to forecast from", "aucune dépense quotidienne à prolonger")
REASON_SHORT_HISTORY = Msg("only {days} day(s) of history; a forecast needs at least {needed}",
                           "seulement {days} jour(s) d'historique ; une prévision en demande au moins {needed}")
REASON_NO_BUDGET = Msg("no tenant-level budget; add one with `balise budgets add NAME --tenant {tenant} "
                       "--monthly AMOUNT`",
                       "aucun budget au niveau du client ; ajoutez-en un avec `balise budgets add NOM --tenant "
                       "{tenant} --monthly MONTANT`")
REASON_NO_SUCH_BUDGET = Msg("no tenant-level budget named {name!r}", "aucun budget du client nommé {name!r}")
REASON_NO_PREVIOUS = Msg("no spend in the previous month ({month})", "aucune dépense le mois précédent ({month})")
NOTE_MISSING_DAYS = Msg("the history starts after {start}: the period's first {days} day(s) are neither observed "
                        "nor forecast",
                        "l'historique commence après le {start} : les {days} premier(s) jour(s) de la période ne "
                        "sont ni observés ni prévus")
REASON_NO_COVERAGE = Msg("no eligible (Compute) usage in the period", "aucun usage éligible (Compute) sur la période")
REASON_NO_UTILISATION_CD = Msg("no commitment discount in the period (no Used or Unused usage rows)",
                               "aucune remise d'engagement sur la période (pas de ligne d'usage Used ou Unused)")
REASON_NO_SAVINGS = Msg("no eligible (Compute) usage with a ListCost in the period",
                        "aucun usage éligible (Compute) avec un ListCost sur la période")
REASON_NO_USAGE = Msg("no usage spend in {month}", "aucune dépense d'usage en {month}")
REASON_NO_UNITS = Msg("no business volume for {month}; import one with `balise units import FILE --tenant {tenant}` "
                      "(CSV month,unit,quantity)",
                      "aucun volume métier pour {month} ; importez-en avec `balise units import FICHIER --tenant "
                      "{tenant}` (CSV month,unit,quantity)")
REASON_ZERO_UNITS = Msg("the volume of {unit} is 0 this month", "le volume de {unit} est nul ce mois-ci")
REASON_NO_UTILISATION = Msg("no CPU utilisation imported; import samples with `balise utilisation import FILE "
                            "--tenant {tenant}`",
                            "aucune utilisation CPU importée ; importez des mesures avec `balise utilisation "
                            "import FICHIER --tenant {tenant}`")
REASON_NO_SAMPLES = Msg("no CPU utilisation sample in {month}", "aucune mesure d'utilisation CPU en {month}")
REASON_NO_RULE = Msg("the rule {rule} is not available in this version",
                     "la règle {rule} n'est pas disponible dans cette version")
REASON_RULE_DISABLED = Msg("the rule {rule} is disabled by the tenant's policy",
                           "la règle {rule} est désactivée par la politique du client")
REASON_RULE_ERROR = Msg("the rule {rule} failed on this data (see `balise findings`)",
                        "la règle {rule} a échoué sur ces données (voir `balise findings`)")
REASON_NO_CARBON = Msg("the carbon capability is not there yet: no emission factor, so no value (never a made-up one)",
                       "la capacité carbone n'est pas encore là : pas de facteur d'émission, donc pas de valeur "
                       "(jamais de valeur inventée)")

# --- FIN-050 budget rule ------------------------------------------------------------------------------------
FIN050_TITLE = Msg("Budget {name}: {state}", "Budget {name} : {state}")
FIN050_REMEDIATION = Msg(
    "Look at what grew in the budget's scope (`balise costs`, `balise anomalies`), act on it, or revise the budget "
    "with `balise budgets add {name} …` if the growth is planned.",
    "Regardez ce qui a augmenté dans le périmètre du budget (`balise costs`, `balise anomalies`), agissez, ou "
    "révisez le budget avec `balise budgets add {name} …` si la hausse est prévue.")
FIN050_WITHIN = Msg("within budget ({share} of {budget} spent)", "dans le budget ({share} de {budget} dépensé)")
FIN050_ACTUAL = Msg("{spend} spent, {share} of the {period} budget {budget}",
                    "{spend} dépensés, {share} du budget {period} de {budget}")
FIN050_FORECAST = Msg("forecast {spend}, {share} of the {period} budget {budget}",
                      "prévision {spend}, {share} du budget {period} de {budget}")
PERIOD_MONTH = Msg("monthly", "mensuel")
PERIOD_YEAR = Msg("yearly", "annuel")

# --- KPI command -------------------------------------------------------------------------------------------
HELP_KPIS = Msg("KPIs of a tenant with their thresholds, owners and status (or change the KPI policy).",
                "Indicateurs d'un client avec seuils, responsables et état (ou modifier la politique d'indicateurs).")
HELP_KPI_ID = Msg("KPI id (see `balise kpis policy`).", "Identifiant de l'indicateur (voir `balise kpis policy`).")
HELP_KPIS_SET = Msg("Change a KPI's threshold, owner or frequency for a tenant.",
                    "Changer le seuil, le responsable ou la fréquence d'un indicateur pour un client.")
HELP_KPIS_ADD = Msg("Add the KPIs of a YAML file (same schema as the default policy) to a tenant.",
                    "Ajouter à un client les indicateurs d'un fichier YAML (même schéma que la politique par défaut).")
HELP_KPIS_RESET = Msg("Drop a tenant's changes to a KPI.", "Annuler les changements d'un client sur un indicateur.")
HELP_KPIS_REMOVE = Msg("Remove a KPI the tenant added.", "Retirer un indicateur ajouté par le client.")
HELP_KPIS_POLICY = Msg("The tenant's KPI definitions (defaults, changes, additions).",
                       "Les définitions d'indicateurs du client (par défaut, modifiées, ajoutées).")
HELP_THRESHOLD = Msg("Alert threshold, e.g. '<35', '>=1', '>10'; 'none' removes it.",
                     "Seuil d'alerte, par exemple « <35 », « >=1 », « >10 » ; « none » le retire.")
HELP_KPI_OWNER = Msg("Who owns the KPI (a role: DAF, SRE, DevOps…).",
                     "Responsable de l'indicateur (un rôle : DAF, SRE…).")
HELP_FREQUENCY = Msg("daily, weekly, monthly or quarterly.", "daily, weekly, monthly ou quarterly.")
MISSING_TENANT = Msg("say which tenant: `balise {command} --tenant NAME`",
                     "indiquez le client : `balise {command} --tenant NOM`")
RATES_USED = Msg("Converted to EUR at: {rates} ({source})", "Converti en euros au taux : {rates} ({source})")
RATES_OTHER_MONTHS = Msg("(the forecasts also convert {n} earlier month(s) at their own rates: --format json lists "
                         "them)",
                         "(les prévisions convertissent aussi {n} mois antérieur(s) à leurs propres taux : --format "
                         "json les liste)")
RATES_RANGE = Msg("1 EUR = {low} to {high} {currency} ({n} monthly rates, {first} to {last})",
                  "1 EUR = {low} à {high} {currency} ({n} taux mensuels, de {first} à {last})")
HOW_LINE = Msg("- {label}: {how}", "- {label} : {how}")
HOW_PERIOD = Msg("{how}; {period}", "{how} ; {period}")
HOW_REASON = Msg("{reason} (period {period})", "{reason} (période {period})")
LIST_SEP = Msg("; ", " ; ")
CONTRIBUTOR_LINE = Msg("- {key}, {start}: {resources}", "- {key}, {start} : {resources}")
H_METRIC = Msg("Metric", "Métrique")
H_ORIGIN = Msg("Defined by", "Défini par")
BASIS_ACTUAL = Msg("actual", "réel")
BASIS_FORECAST = Msg("forecast", "prévision")
HOW_BUDGET = Msg("{spend} ({basis}) against budget {name} of {budget}",
                 "{spend} ({basis}) contre le budget {name} de {budget}")
HOW_MOM = Msg("{spend} ({basis}) vs {previous} in {month}", "{spend} ({basis}) vs {previous} en {month}")
HOW_FORECAST = Msg("{actual} to {as_of} + forecast; 80 % interval {low} – {high}",
                   "{actual} au {as_of} + prévision ; intervalle à 80 % {low} – {high}")
HOW_FORECAST_DONE = Msg("{actual}: the period is over (actual)", "{actual} : la période est finie (réel)")
HOW_RATIO = Msg("{numerator} / {denominator} ({rows} rows)", "{numerator} / {denominator} ({rows} lignes)")
HOW_TAGS = Msg("{tagged} of {usage} usage spend tagged {required}",
               "{tagged} sur {usage} de dépense d'usage étiquetés {required}")
HOW_UNIT = Msg("{spend} for {quantity} {unit}", "{spend} pour {quantity} {unit}")
HOW_CPU = Msg("{samples} samples of {resources} resources", "{samples} mesures de {resources} ressources")
HOW_RULE = Msg("FAIL findings of {rule}: {subjects}", "constats en échec de {rule} : {subjects}")

# --- business units ----------------------------------------------------------------------------------------
HELP_UNITS = Msg("Business volumes per month (requests, orders…) for unit-cost KPIs.",
                 "Volumes métier par mois (requêtes, commandes…) pour les indicateurs de coût unitaire.")
HELP_UNITS_IMPORT = Msg("Import a CSV month,unit,quantity (replaces the same unit and month).",
                        "Importer un CSV month,unit,quantity (remplace la même unité et le même mois).")
HELP_UNITS_LIST = Msg("List the imported business volumes.", "Lister les volumes métier importés.")
UNITS_COLUMNS = Msg("the CSV lacks the column(s) {columns}", "il manque au CSV la ou les colonnes {columns}")
HINT_UNITS = Msg("Write a CSV with the header month,unit,quantity, e.g. `2026-03,orders,12500`.",
                 "Écrivez un CSV avec l'en-tête month,unit,quantity, par exemple `2026-03,orders,12500`.")
UNITS_BAD_MONTH = Msg("the month must be YYYY-MM", "le mois doit s'écrire AAAA-MM")
UNITS_NO_UNIT = Msg("the unit is empty", "l'unité est vide")
UNITS_BAD_QUANTITY = Msg("the quantity must be a number ≥ 0", "la quantité doit être un nombre ≥ 0")
UNITS_DUPLICATE = Msg("{unit} for {month} appears twice in the file",
                      "{unit} pour {month} figure deux fois dans le fichier")
UNITS_EMPTY = Msg("the file holds no volume", "le fichier ne contient aucun volume")
UNITS_IMPORTED = Msg("{n} volume(s) of {units} imported for {tenant} ({first} → {last})",
                     "{n} volume(s) de {units} importé(s) pour {tenant} ({first} → {last})")
UNITS_NONE = Msg("no business volume for {tenant} yet", "aucun volume métier pour {tenant} pour l'instant")
H_UNIT = Msg("Unit", "Unité")
H_QUANTITY = Msg("Quantity", "Quantité")

# --- budgets -----------------------------------------------------------------------------------------------
HELP_BUDGETS = Msg("Budgets per tenant or tag value, with thresholds on actual spend and on the forecast.",
                   "Budgets par client ou valeur d'étiquette, avec seuils sur la dépense réelle et la prévision.")
HELP_BUDGETS_ADD = Msg("Add a budget (or replace the one of that name).",
                       "Ajouter un budget (ou remplacer celui de ce nom).")
HELP_BUDGETS_LIST = Msg("List the tenant's budgets.", "Lister les budgets du client.")
HELP_BUDGETS_REMOVE = Msg("Remove a budget.", "Supprimer un budget.")
HELP_BUDGETS_STATUS = Msg("Actual, forecast and thresholds crossed of each budget for a month.",
                          "Réel, prévision et seuils franchis de chaque budget pour un mois.")
HELP_BUDGET_NAME = Msg("Budget name.", "Nom du budget.")
HELP_MONTHLY = Msg("Monthly amount in EUR.", "Montant mensuel en euros.")
HELP_YEARLY = Msg("Yearly amount in EUR (optional).", "Montant annuel en euros (facultatif).")
HELP_BUDGET_TAG = Msg("Scope: one tag value, KEY=VALUE (e.g. team=web); default: the whole tenant.",
                      "Périmètre : une valeur d'étiquette, CLÉ=VALEUR (par ex. team=web) ; par défaut tout le client.")
HELP_ACTUAL = Msg("Thresholds on actual spend, fractions of the budget (default 0.8,1.0).",
                  "Seuils sur la dépense réelle, en fractions du budget (par défaut 0.8,1.0).")
HELP_FORECAST_TH = Msg("Thresholds on the month-end forecast, fractions (default 1.0).",
                       "Seuils sur la prévision de fin de mois, en fractions (par défaut 1.0).")
HELP_BUDGET_OWNER = Msg("Who owns the budget (a role or an e-mail).", "Responsable du budget (un rôle ou un e-mail).")
BAD_BUDGET_THRESHOLDS = Msg("{option} {text!r}: write fractions of the budget separated by commas, e.g. 0.8,1.0 "
                            "(or 80%,100%), or 'none'",
                            "{option} {text!r} : écrivez des fractions du budget séparées par des virgules, par "
                            "exemple 0.8,1.0 (ou 80%,100%), ou « none »")
BAD_BUDGET_TAG = Msg("--tag {text!r}: write KEY=VALUE, e.g. team=web",
                     "--tag {text!r} : écrivez CLÉ=VALEUR, par exemple team=web")
BAD_BUDGET_NAME = Msg("a budget needs a name", "un budget doit avoir un nom")
BAD_BUDGET_AMOUNT = Msg("budget amounts must be greater than 0", "les montants d'un budget doivent être supérieurs à 0")
UNKNOWN_BUDGET = Msg("no budget named {name!r}; budgets of this tenant: {known}",
                     "aucun budget nommé {name!r} ; budgets de ce client : {known}")
BUDGET_ADDED = Msg("Budget {name} added to {tenant}: {scope}, {monthly} a month; alerts at {actual} of actual, "
                   "{forecast} of forecast",
                   "Budget {name} ajouté à {tenant} : {scope}, {monthly} par mois ; alertes à {actual} du réel, "
                   "{forecast} de la prévision")
BUDGET_REPLACED = Msg("Budget {name} of {tenant} replaced: {scope}, {monthly} a month; alerts at {actual} of "
                      "actual, {forecast} of forecast",
                      "Budget {name} de {tenant} remplacé : {scope}, {monthly} par mois ; alertes à {actual} du "
                      "réel, {forecast} de la prévision")
BUDGET_REMOVED = Msg("Budget {name} removed from {tenant}", "Budget {name} supprimé de {tenant}")
BUDGETS_NONE = Msg("no budget for {tenant}; add one with `balise budgets add NAME --tenant {tenant} --monthly AMOUNT`",
                   "aucun budget pour {tenant} ; ajoutez-en un avec `balise budgets add NOM --tenant {tenant} "
                   "--monthly MONTANT`")
BUDGETS_TITLE = Msg("Budgets of {tenant}, {month} (data up to {as_of})",
                    "Budgets de {tenant}, {month} (données jusqu'au {as_of})")
PERIOD_OVER = Msg("(period over: actual)", "(période finie : réel)")
YEAR_LINE = Msg("year {year} to date", "année {year} à date")
CROSSED_ACTUAL = Msg("actual ≥ {threshold}", "réel ≥ {threshold}")
CROSSED_FORECAST = Msg("forecast ≥ {threshold}", "prévision ≥ {threshold}")
H_BUDGET = Msg("Budget name", "Nom du budget")
H_SCOPE = Msg("Scope", "Périmètre")
H_MONTHLY = Msg("Monthly", "Mensuel")
H_YEARLY = Msg("Yearly", "Annuel")
H_TH_ACTUAL = Msg("Alerts on actual", "Alertes sur le réel")
H_TH_FORECAST = Msg("Alerts on forecast", "Alertes sur la prévision")
H_BUDGET_AMOUNT = Msg("Amount", "Montant")
H_ACTUAL = Msg("Actual", "Réel")
H_SHARE_BUDGET = Msg("% of budget", "% du budget")
H_FORECAST_INTERVAL = Msg("Forecast [80 % interval]", "Prévision [intervalle à 80 %]")
H_CROSSED = Msg("Thresholds crossed", "Seuils franchis")

# --- allocation and showback -------------------------------------------------------------------------------
HELP_ALLOCATION = Msg("Tag aliases, value normalisation and shared-cost split rules of a tenant.",
                      "Alias d'étiquettes, normalisation des valeurs et règles de répartition des coûts partagés.")
HELP_ALLOCATION_IMPORT = Msg("Import an allocation configuration (YAML; docs/budgets-and-allocation.md).",
                             "Importer une configuration d'allocation (YAML ; docs/budgets-and-allocation.md).")
HELP_ALLOCATION_SHOW = Msg("Show the tenant's allocation configuration.",
                           "Afficher la configuration d'allocation du client.")
HELP_ALLOCATION_RESET = Msg("Go back to the default allocation configuration.",
                            "Revenir à la configuration d'allocation par défaut.")
ALLOCATION_EMPTY = Msg("the file is empty", "le fichier est vide")
HINT_ALLOCATION = Msg("See the allocation file format in docs/budgets-and-allocation.md (keys, case, required, "
                      "shared).",
                      "Voir le format du fichier d'allocation dans docs/budgets-and-allocation.md (keys, case, "
                      "required, shared).")
ALLOC_FIXED_NEEDS_PERCENTAGES = Msg("a fixed split needs percentages", "une répartition fixe a besoin de percentages")
ALLOC_PERCENTAGES_SUM = Msg("the percentages add up to {total}, not 100",
                            "les pourcentages totalisent {total}, pas 100")
ALLOC_PERCENTAGES_ONLY_FIXED = Msg("percentages are only for split: fixed (this rule splits {split})",
                                   "les pourcentages ne servent qu'avec split: fixed (cette règle répartit en {split})")
ALLOC_AMONG_NOT_FIXED = Msg("among is not used with split: fixed (the percentages name the values)",
                            "among ne s'utilise pas avec split: fixed (les pourcentages nomment les valeurs)")
ALLOCATION_IMPORTED = Msg("Allocation of {tenant} imported from {file}: keys {keys}, {rules} shared-cost rule(s)",
                          "Allocation de {tenant} importée depuis {file} : clés {keys}, {rules} règle(s) de coûts "
                          "partagés")
ALLOCATION_DEFAULT = Msg("# {tenant} uses the default allocation configuration:",
                         "# {tenant} utilise la configuration d'allocation par défaut :")
ALLOCATION_RESET = Msg("{tenant} is back to the default allocation configuration",
                       "{tenant} revient à la configuration d'allocation par défaut")
MONTH_OR_RANGE = Msg("give either --month or --from/--to, not both", "indiquez --month ou --from/--to, pas les deux")
HELP_SHOWBACK = Msg("Spend per team (or any tag key) per month: direct + shared = total, and what is untagged.",
                    "Dépense par équipe (ou toute clé d'étiquette) par mois : direct + partagé = total, et le non "
                    "étiqueté.")
HELP_SHOWBACK_BY = Msg("Tag key to allocate by (team, project, env, cost-center…).",
                       "Clé d'étiquette de l'allocation (team, project, env, cost-center…).")
HELP_SHOWBACK_METRIC = Msg("effective (amortised, default) or billed.", "effective (amorti, par défaut) ou billed.")
HELP_SHOWBACK_FORMAT = Msg("Output: table, csv, xlsx (needs --out) or json.",
                           "Sortie : table, csv, xlsx (avec --out) ou json.")
XLSX_NEEDS_OUT = Msg("--format xlsx writes a file: give --out FILE.xlsx",
                     "--format xlsx écrit un fichier : indiquez --out FICHIER.xlsx")
UNTAGGED_LINE = Msg("(untagged)", "(non étiqueté)")
XLSX_SHEET_LINES = Msg("Showback", "Refacturation")
XLSX_SHEET_SUMMARY = Msg("By month", "Par mois")
H_MONTH = Msg("Month", "Mois")
H_DIRECT = Msg("Direct cost", "Coût direct")
H_SHARED = Msg("Shared", "Partagé")
H_BILL = Msg("Bill total", "Total facturé")
RATES_PREFIX = Msg("Converted to EUR at: ", "Converti en euros au taux : ")
SHOWBACK_WRITTEN = Msg("Wrote {path} ({lines} lines)", "Fichier {path} écrit ({lines} lignes)")
FILE_WRITTEN = Msg("Wrote {path}", "Fichier {path} écrit")
SHOWBACK_TITLE = Msg("Showback of {tenant} by {by}, {month} (EUR, {metric} cost)",
                     "Refacturation de {tenant} par {by}, {month} (euros, coût {metric})")
SHOWBACK_CONFIG = Msg("Tag aliases: {aliases}; shared-cost rules: {rules}",
                      "Alias d'étiquettes : {aliases} ; règles de coûts partagés : {rules}")

# --- anomalies, forecast, commitments ----------------------------------------------------------------------
HELP_ANALYSIS_BY = Msg("total, service, account, provider, region or resource.",
                       "total, service, account, provider, region ou resource.")
HELP_ANOMALIES = Msg("Spend spikes and drifts: expected vs actual, since when, which resources.",
                     "Pics et dérives de dépense : attendu vs réel, depuis quand, quelles ressources.")
HELP_FORECAST = Msg("Month-end and year-end spend forecasts with their 80 % interval (and --backtest).",
                    "Prévisions de dépense fin de mois et fin d'année avec intervalle à 80 % (et --backtest).")
HELP_FORECAST_MONTH = Msg("Forecast from the data up to this month (YYYY-MM; default: all).",
                          "Prévoir à partir des données jusqu'à ce mois (AAAA-MM ; par défaut : tout).")
HELP_BACKTEST = Msg("Also measure the forecast's error on the last six months (MAPE, interval coverage).",
                    "Mesurer aussi l'erreur de la prévision sur les six derniers mois (MAPE, couverture).")
HELP_TOP = Msg("How many keys, largest first.", "Combien de clés, les plus grosses d'abord.")
HELP_COMMITMENTS = Msg("Commitment utilisation, coverage and effective savings rate (FOCUS 1.2), per commitment.",
                       "Utilisation, couverture et taux d'économie des engagements (FOCUS 1.2), par engagement.")
ANOMALIES_TITLE = Msg("Spend spikes of {tenant} by {by}, {start} → {end}",
                      "Pics de dépense de {tenant} par {by}, {start} → {end}")
NO_SPIKES = Msg("No spend spike in {period}.", "Aucun pic de dépense sur {period}.")
DRIFTS_TITLE = Msg("Lasting changes of level (drifts), per day", "Changements durables de niveau (dérives), par jour")
H_KEY = Msg("Key", "Clé")
H_SINCE = Msg("Since", "Depuis")
H_DAYS = Msg("Since → until", "Du → au")
H_EXPECTED = Msg("Expected", "Attendu")
H_EXCESS = Msg("Excess", "Excédent")
H_CONTRIBUTORS = Msg("Resources that caused them:", "Ressources en cause :")
H_CONFIRMED = Msg("Confirmed", "Confirmée le")
H_BEFORE = Msg("Before", "Avant")
H_AFTER = Msg("After", "Après")
H_CHANGE = Msg("Change", "Écart")
FORECAST_TITLE = Msg("Spend forecasts of {tenant} by {by} (EUR, data up to {as_of})",
                     "Prévisions de dépense de {tenant} par {by} (euros, données jusqu'au {as_of})")
H_MONTH_END = Msg("Month end", "Fin de mois")
H_YEAR_END = Msg("Year end", "Fin d'année")
H_INTERVAL = Msg("80 % interval", "Intervalle à 80 %")
BACKTEST_TITLE = Msg("Backtest: month totals forecast on days 1, 10 and 20 of the last six complete months",
                     "Backtest : totaux mensuels prévus les jours 1, 10 et 20 des six derniers mois complets")
H_FORECASTS = Msg("Forecasts", "Prévisions")
H_COVERAGE80 = Msg("In 80 % interval", "Dans l'intervalle à 80 %")
H_NAIVE = Msg("Run-rate MAPE", "MAPE du rythme courant")
FORECAST_NOTE = Msg("Method: weekly profile × Theil–Sen trend on the last 13 weeks, interval from the model's past "
                    "errors (docs/anomalies-and-forecast.md).",
                    "Méthode : profil hebdomadaire × tendance de Theil–Sen sur 13 semaines, intervalle tiré des "
                    "erreurs passées du modèle (docs/anomalies-and-forecast.md).")
REASON_NO_BACKTEST = Msg("not enough complete months to backtest", "pas assez de mois complets pour un backtest")
COMMITMENTS_TITLE = Msg("Commitment discounts of {tenant}, {period}", "Remises d'engagement de {tenant}, {period}")
ALL_IN_EUR = Msg("all, in EUR", "tout, en euros")
H_UTILISATION = Msg("Utilisation", "Taux d'utilisation")
H_QTY_UTILISATION = Msg("Utilisation (quantity)", "Utilisation (quantité)")
H_COVERAGE = Msg("Coverage", "Couverture")
H_SAVINGS = Msg("Savings rate", "Taux d'économie")
H_UNUSED = Msg("Unused", "Inutilisé")
H_PURCHASED = Msg("Purchased", "Acheté")
H_COMMITMENT = Msg("Commitment", "Engagement")
H_CATEGORY = Msg("Category", "Catégorie")
NO_COMMITMENTS = Msg("No commitment discount in {period}.", "Aucune remise d'engagement sur {period}.")
COMMITMENTS_NOTE = Msg("Utilisation = EffectiveCost Used / (Used + Unused); coverage = ListCost of covered / "
                       "(covered + on-demand) Compute usage; savings rate = 1 − EffectiveCost / ListCost "
                       "(docs/commitments.md).",
                       "Utilisation = EffectiveCost Used / (Used + Unused) ; couverture = ListCost de l'usage "
                       "Compute couvert / (couvert + à la demande) ; taux d'économie = 1 − EffectiveCost / "
                       "ListCost (docs/commitments.md).")
