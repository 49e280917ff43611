"""Messages of the rules engine, policies and findings (English and French, same placeholders)."""

from __future__ import annotations

from balise.i18n import Msg

UNKNOWN_RULE = Msg("unknown rule {key!r}; known rules: {known}", "règle inconnue {key!r} ; règles connues : {known}")

# --- policies (rules/policy.py) ----------------------------------------------------------------------------
POLICY_ERROR = Msg("{file}, line {line}, column {column}: {problem}. {hint}",
                   "{file}, ligne {line}, colonne {column} : {problem}. {hint}")
POLICY_YAML = Msg("not valid YAML: {problem}", "YAML invalide : {problem}")
HINT_YAML = Msg("Check the indentation (spaces, not tabs), the colons after keys and the quoting of values.",
                "Vérifiez l'indentation (des espaces, pas de tabulations), les deux-points après les clés et les "
                "guillemets des valeurs.")
POLICY_NOT_MAPPING = Msg("a policy is a YAML mapping (keys such as rules:, domains:, groups:), not {kind}",
                         "une politique est un dictionnaire YAML (clés comme rules:, domains:, groups:), pas {kind}")
POLICY_DUPLICATE_KEY = Msg("{key!r} appears twice (first on line {first})",
                           "{key!r} apparaît deux fois (la première à la ligne {first})")
HINT_KEEP_ONE = Msg("Keep only one of them: YAML would silently use the last.",
                    "N'en gardez qu'une : YAML utiliserait sans prévenir la dernière.")
POLICY_DUPLICATE_RULE = Msg("rule {code} is configured twice, as {first!r} and as {second!r}",
                            "la règle {code} est configurée deux fois, sous {first!r} et sous {second!r}")
POLICY_UNKNOWN_KEY = Msg("unknown key {key!r}", "clé inconnue {key!r}")
HINT_VALID_KEYS = Msg("Valid keys here: {valid}.", "Clés valides ici : {valid}.")
POLICY_UNKNOWN_RULE = Msg("unknown rule {key!r}", "règle inconnue {key!r}")
HINT_KNOWN_RULES = Msg("Known rules: {known}; `balise rules` describes them.",
                       "Règles connues : {known} ; `balise rules` les décrit.")
POLICY_UNKNOWN_SETTING = Msg("unknown setting {key!r} of rule {code}", "réglage inconnu {key!r} de la règle {code}")
POLICY_UNKNOWN_PARAM = Msg("unknown parameter {key!r} of rule {code} ({name})",
                           "paramètre inconnu {key!r} de la règle {code} ({name})")
HINT_VALID_PARAMS = Msg("Valid parameters: {valid}.", "Paramètres valides : {valid}.")
HINT_NO_PARAMS = Msg("This rule has no parameters: remove its params: block.",
                     "Cette règle n'a pas de paramètre : retirez son bloc params:.")
POLICY_BAD_TYPE = Msg("{path} is {value}, not {expected}", "{path} vaut {value}, ce n'est pas {expected}")
POLICY_BAD_CHOICE = Msg("{path} is {value}, not one of {choices}", "{path} vaut {value}, qui n'est pas parmi {choices}")
POLICY_TOO_SMALL = Msg("{path} is {value}, below the minimum {limit}", "{path} vaut {value}, sous le minimum {limit}")
POLICY_TOO_LARGE = Msg("{path} is {value}, above the maximum {limit}",
                       "{path} vaut {value}, au-dessus du maximum {limit}")
POLICY_NOT_UNIQUE = Msg("{path} lists the same value twice", "{path} contient deux fois la même valeur")
POLICY_INVALID = Msg("{path}: {error}", "{path} : {error}")
HINT_PARAM = Msg("{description} (default: {default}).", "{description} (par défaut : {default}).")
HINT_SCHEMA = Msg("`balise policy schema` prints every key and parameter a policy accepts.",
                  "`balise policy schema` affiche toutes les clés et tous les paramètres qu'une politique accepte.")
T_INTEGER = Msg("an integer", "un entier")
T_NUMBER = Msg("a number", "un nombre")
T_STRING = Msg("a text", "un texte")
T_BOOLEAN = Msg("true or false", "true ou false")
T_ARRAY = Msg("a list", "une liste")
T_OBJECT = Msg("a mapping (key: value)", "un dictionnaire (clé : valeur)")
T_NULL = Msg("empty", "vide")
POLICY_STORED_BAD = Msg(
    "the policy stored for tenant {tenant!r} no longer matches the rules of this version: {error}; import a "
    "corrected one with `balise policy import FILE --tenant {tenant}`",
    "la politique enregistrée pour le client {tenant!r} ne correspond plus aux règles de cette version : "
    "{error} ; importez-en une corrigée avec `balise policy import FICHIER --tenant {tenant}`")
POLICY_STORED = Msg("stored policy", "politique enregistrée")

# --- engine (rules/engine.py) --------------------------------------------------------------------------------
RULE_FAILED_TITLE = Msg("Rule {code} ({name}) could not run: {error}",
                        "La règle {code} ({name}) n'a pas pu s'exécuter : {error}")
RULE_FAILED_FIX = Msg(
    "Its findings are unknown for this run (the previous ones are kept as they were). Check the inputs this "
    "rule reads; if they are right, report the error with this finding's evidence.",
    "Ses constats sont inconnus pour cette évaluation (les précédents sont conservés tels quels). Vérifiez les "
    "données que lit cette règle ; si elles sont correctes, signalez l'erreur avec les éléments de ce constat.")
RULE_DUPLICATE = Msg("the rule produced two findings for the same subject {subject!r}",
                     "la règle a produit deux constats pour le même sujet {subject!r}")

# --- anomaly and allocation rules (rules/anomaly_rules.py) --------------------------------------------------
SPIKE_TITLE = Msg("Spend spike on {service}: {actual} instead of about {expected} from {start} to {end}",
                  "Pic de dépense sur {service} : {actual} au lieu d'environ {expected} du {start} au {end}")
SPIKE_FIX = Msg(
    "Find what ran on {service} from {start} (largest contributor: {resource}); stop it if it is a runaway job "
    "or confirm it was planned. This is an alert: no saving is estimated.",
    "Identifiez ce qui a tourné sur {service} à partir du {start} (principal contributeur : {resource}) ; "
    "arrêtez-le s'il s'agit d'une tâche emballée, ou confirmez qu'elle était prévue. C'est une alerte : aucune "
    "économie n'est estimée.")
DRIFT_TITLE = Msg("Lasting spend increase on {service} since {since}: {before} → {after} a day ({change} a month)",
                  "Hausse durable de la dépense sur {service} depuis le {since} : {before} → {after} par jour "
                  "({change} par mois)")
DRIFT_DOWN_TITLE = Msg("Lasting spend decrease on {service} since {since}: {before} → {after} a day ({change} a month)",
                       "Baisse durable de la dépense sur {service} depuis le {since} : {before} → {after} par jour "
                       "({change} par mois)")
DRIFT_FIX = Msg(
    "Find what changed on {service} around {since} (new resources, a price, a credit or a commitment that "
    "ended) and confirm the new level is intended; then update the budget and the forecast.",
    "Identifiez ce qui a changé sur {service} vers le {since} (nouvelles ressources, un prix, un avoir ou un "
    "engagement arrivé à terme) et confirmez que ce nouveau niveau est voulu ; puis mettez à jour le budget et "
    "la prévision.")
UNTAGGED_TITLE = Msg("{share} of usage spend lacks the tag(s) {keys}: {amount} from {start} to {end}",
                     "{share} de la dépense d'usage n'a pas l'étiquette (ou les étiquettes) {keys} : {amount} du "
                     "{start} au {end}")
UNTAGGED_FIX = Msg(
    "Tag the resources listed in the evidence with {keys} (their largest share first), so that their cost can "
    "be allocated; costs billed without a resource (data transfer, bandwidth) need a shared-cost split rule.",
    "Étiquetez les ressources listées dans les éléments avec {keys} (les plus coûteuses d'abord) pour pouvoir "
    "répartir leur coût ; les coûts facturés sans ressource (transfert de données, bande passante) demandent une "
    "règle de répartition des coûts partagés.")
NO_RESOURCE = Msg("(none)", "(aucun)")

# --- findings service (services/findings.py) ----------------------------------------------------------------
FINDING_UNKNOWN = Msg("no finding {id!r} for tenant {tenant!r}; `balise findings --tenant {tenant}` lists their ids",
                      "aucun constat {id!r} pour le client {tenant!r} ; `balise findings --tenant {tenant}` liste "
                      "leurs identifiants")
REASON_REQUIRED = Msg("a reason is required: say why with --reason TEXT (it is kept in the finding's history)",
                      "un motif est obligatoire : indiquez-le avec --reason TEXTE (il est conservé dans "
                      "l'historique du constat)")
BAD_TRANSITION = Msg("finding {id} is {lifecycle}: {action} applies to open, acknowledged or suppressed findings",
                     "le constat {id} est {lifecycle} : {action} ne s'applique qu'aux constats ouverts, pris en "
                     "compte ou masqués")
UNTIL_PAST = Msg("--until {until} is not after today ({today}): give a later date (YYYY-MM-DD)",
                 "--until {until} n'est pas postérieur à aujourd'hui ({today}) : donnez une date plus tardive "
                 "(AAAA-MM-JJ)")
BAD_DATE = Msg("{value!r} is not a date: write it as YYYY-MM-DD, e.g. 2027-03-31",
               "{value!r} n'est pas une date : écrivez-la AAAA-MM-JJ, par exemple 2027-03-31")
BAD_CHOICE = Msg("unknown {what} {value!r}; use one of {known}", "{what} inconnu {value!r} ; utilisez l'un de {known}")
W_DOMAIN = Msg("domain", "domaine")
W_STATUS = Msg("status", "statut")
W_SEVERITY = Msg("severity", "gravité")
W_LIFECYCLE = Msg("lifecycle", "cycle de vie")

# --- CLI (cli/findings_cmds.py) -------------------------------------------------------------------------------
HELP_FINDINGS = Msg("Evaluate the rules on a tenant and list its findings (subcommands: ack, suppress, resolve).",
                    "Évaluer les règles sur un client et lister ses constats (sous-commandes : ack, suppress, "
                    "resolve).")
HELP_DOMAIN = Msg("Only this domain: finops, greenops, sovereignty or posture.",
                  "Seulement ce domaine : finops, greenops, sovereignty ou posture.")
HELP_STATUS = Msg("Only this status: FAIL, PASS, UNKNOWN or SKIPPED (suppressed).",
                  "Seulement ce statut : FAIL, PASS, UNKNOWN ou SKIPPED (masqué).")
HELP_SEVERITY = Msg("Only this severity or worse: critical, high, medium, low, info.",
                    "Seulement cette gravité ou pire : critical, high, medium, low, info.")
HELP_LIFECYCLE = Msg("Only this lifecycle: open, acknowledged, suppressed, resolved or all (default: all but "
                     "resolved, unless --status is given).",
                     "Seulement ce cycle de vie : open, acknowledged, suppressed, resolved ou all (par défaut : "
                     "tous sauf resolved, sauf si --status est donné).")
HELP_NO_REFRESH = Msg("List what is stored without evaluating the rules again.",
                      "Lister ce qui est enregistré sans réévaluer les règles.")
HELP_FINDING_ID = Msg("The finding's id (shown by `balise findings`).",
                      "L'identifiant du constat (affiché par `balise findings`).")
HELP_REASON = Msg("Why (kept in the finding's history).", "Pourquoi (conservé dans l'historique du constat).")
HELP_UNTIL = Msg("Suppressed until this date (YYYY-MM-DD; default: in 90 days).",
                 "Masqué jusqu'à cette date (AAAA-MM-JJ ; par défaut : dans 90 jours).")
HELP_ACK = Msg("Acknowledge a finding: someone is on it.", "Prendre en compte un constat : quelqu'un s'en occupe.")
HELP_SUPPRESS = Msg("Suppress a finding until a date, with a reason (listed as SKIPPED).",
                    "Masquer un constat jusqu'à une date, avec un motif (listé SKIPPED).")
HELP_RESOLVE = Msg("Mark a finding resolved (it reopens if newer bills still show it).",
                   "Marquer un constat résolu (il se rouvre si des factures plus récentes le montrent encore).")
HELP_RULES = Msg("List the rules: code, name, domain, severity, groups, parameters.",
                 "Lister les règles : code, nom, domaine, gravité, groupes, paramètres.")
HELP_POLICY = Msg("Rule policies (YAML): schema, validate, import, show.",
                  "Politiques de règles (YAML) : schema, validate, import, show.")
HELP_POLICY_SCHEMA = Msg("Print the JSON Schema of policy files (generated from the rules).",
                         "Afficher le schéma JSON des fichiers de politique (généré depuis les règles).")
HELP_POLICY_VALIDATE = Msg("Check a policy file without importing it.",
                           "Vérifier un fichier de politique sans l'importer.")
HELP_POLICY_IMPORT = Msg("Validate a policy file and make it the tenant's policy.",
                         "Valider un fichier de politique et en faire la politique du client.")
HELP_POLICY_SHOW = Msg("Show the tenant's policy (its YAML as imported).",
                       "Afficher la politique du client (son YAML tel qu'importé).")
HELP_POLICY_FILE = Msg("Policy file (YAML).", "Fichier de politique (YAML).")
MISSING_TENANT = Msg("missing option --tenant NAME (e.g. `balise findings --tenant demo`)",
                     "option --tenant NOM manquante (par exemple `balise findings --tenant demo`)")

H_ID = Msg("id", "id")
H_SEVERITY = Msg("severity", "gravité")
H_STATUS = Msg("status", "statut")
H_LIFECYCLE = Msg("lifecycle", "suivi")
H_CODE = Msg("rule", "règle")
H_FINDING = Msg("finding", "constat")
H_SUBJECT = Msg("subject", "sujet")
H_SAVING = Msg("€/month", "€/mois")
H_OWNER = Msg("owner", "responsable")
H_NAME = Msg("name", "nom")
H_DOMAIN = Msg("domain", "domaine")
H_GROUPS = Msg("groups", "groupes")
H_PARAMS = Msg("parameters (default)", "paramètres (défaut)")
H_SECONDS = Msg("seconds", "secondes")

FINDINGS_TITLE = Msg("Findings of {tenant}, {start} → {end} (bills up to {as_of})",
                     "Constats de {tenant}, {start} → {end} (factures jusqu'au {as_of})")
FINDINGS_TITLE_STORED = Msg("Findings of {tenant} (as last evaluated)", "Constats de {tenant} (dernière évaluation)")
FINDINGS_TOTAL = Msg("{n} finding(s) shown; estimated savings: {amount} a month (each resource counted once, at "
                     "its largest saving; cheaper offers elsewhere are options, counted apart: up to {options}).",
                     "{n} constat(s) affiché(s) ; économies estimées : {amount} par mois (chaque ressource comptée "
                     "une fois, pour sa plus grande économie ; les offres moins chères ailleurs sont des options, "
                     "comptées à part : jusqu'à {options}).")
FINDINGS_NONE = Msg("No finding matches.", "Aucun constat ne correspond.")
FINDINGS_TIMING = Msg("Evaluated {rules} rule(s) in {seconds} s.", "{rules} règle(s) évaluée(s) en {seconds} s.")
FINDINGS_RULE_ERRORS = Msg("{n} rule(s) could not run: {codes} (see their UNKNOWN findings).",
                           "{n} règle(s) n'ont pas pu s'exécuter : {codes} (voir leurs constats UNKNOWN).")
ACKED = Msg("Finding {id} acknowledged.", "Constat {id} pris en compte.")
SUPPRESSED = Msg("Finding {id} suppressed until {until}.", "Constat {id} masqué jusqu'au {until}.")
RESOLVED = Msg("Finding {id} marked resolved.", "Constat {id} marqué résolu.")
POLICY_VALID = Msg("{file}: valid policy; {enabled} of {total} rules enabled.",
                   "{file} : politique valide ; {enabled} règle(s) activée(s) sur {total}.")
POLICY_IMPORTED = Msg("Policy {file} imported for tenant {tenant}: {enabled} of {total} rules enabled.",
                      "Politique {file} importée pour le client {tenant} : {enabled} règle(s) activée(s) sur {total}.")
POLICY_NONE = Msg("Tenant {tenant} has no policy: every rule runs with its default parameters. Import one with "
                  "`balise policy import FILE --tenant {tenant}`.",
                  "Le client {tenant} n'a pas de politique : toutes les règles s'appliquent avec leurs paramètres "
                  "par défaut. Importez-en une avec `balise policy import FICHIER --tenant {tenant}`.")
