"""Messages of sovereignty and compliance: rules SOV-0xx, `balise sovereignty`, `balise workloads`, the
compliance report (English and French, same placeholders)."""

from __future__ import annotations

from balise.i18n import Msg

# --- rules ----------------------------------------------------------------------------------------------------
SOV001 = Msg("Personal data of {workload} stored outside the EEA: {provider} {region} ({country}), {basis}",
             "Données personnelles de {workload} stockées hors de l'EEE : {provider} {region} ({country}), {basis}")
SOV001_FIX = Msg(
    "Move {workload} to a region of the EEA (compliant option: {alternative}), or record the legal basis of the "
    "transfer (the provider's DPF certification, or standard contractual clauses with a transfer impact "
    "assessment) in the record of processing.",
    "Déplacer {workload} dans une région de l'EEE (option conforme : {alternative}), ou consigner la base légale "
    "du transfert (certification DPF du fournisseur, ou clauses contractuelles types avec une analyse d'impact du "
    "transfert) dans le registre des traitements.")
BASIS_DPF = Msg("a transfer that relies on the EU-US Data Privacy Framework",
                "un transfert qui repose sur le cadre de protection des données UE-États-Unis (DPF)")
BASIS_NONE = Msg("a country without an EU adequacy decision", "un pays sans décision d'adéquation de l'UE")
SOV002 = Msg("{workload}: personal data with {provider} ({entity}), exposed to US law (CLOUD Act, FISA 702) even "
             "in {region}",
             "{workload} : données personnelles chez {provider} ({entity}), exposé au droit américain (CLOUD Act, "
             "FISA 702) même en {region}")
SOV002_FIX = Msg(
    "Allowed under the EU-US Data Privacy Framework, but state the exposure in the record of processing and assess "
    "supplementary measures (encryption with keys you hold); a provider with no US parent removes it (option: "
    "{alternative}).",
    "Permis par le cadre UE-États-Unis (DPF), mais l'exposition doit figurer au registre des traitements avec "
    "l'évaluation de mesures supplémentaires (chiffrement avec des clés que vous détenez) ; un fournisseur sans "
    "maison mère américaine la supprime (option : {alternative}).")
SOV003 = Msg("Health data of {workload} on services without a verified HDS certification: {services} ({provider} "
             "{region})",
             "Données de santé de {workload} sur des services sans certification HDS vérifiée : {services} "
             "({provider} {region})")
SOV003_FIX = Msg(
    "Host these health data on an HDS-certified service (option: {alternative}); if the certification is listed "
    "as unverified, obtain the provider's HDS v2 certificate for this service and region and record it.",
    "Héberger ces données de santé sur un service certifié HDS (option : {alternative}) ; si la certification est "
    "marquée non vérifiée, obtenir du fournisseur son certificat HDS v2 pour ce service et cette région et le "
    "consigner.")
SOV004 = Msg("Health data of {workload} stored outside the EEA: {provider} {region} ({country})",
             "Données de santé de {workload} stockées hors de l'EEE : {provider} {region} ({country})")
SOV004_FIX = Msg("The HDS referential requires storage exclusively in the EEA: move it (option: {alternative}).",
                 "Le référentiel HDS exige un stockage exclusivement dans l'EEE : la déplacer (option : "
                 "{alternative}).")
SOV005 = Msg("Sensitive data of {workload} ({categories}) with {provider}, not exclusively subject to EU law",
             "Données sensibles de {workload} ({categories}) chez {provider}, non soumis exclusivement au droit "
             "européen")
SOV005_FIX = Msg(
    "The CNIL recommends a provider exclusively subject to EU law (a SecNumCloud-qualified service or equivalent) "
    "for this processing: plan a move (option: {alternative}), or record why the current host is kept.",
    "La CNIL recommande pour ce traitement un prestataire soumis exclusivement au droit européen (service qualifié "
    "SecNumCloud ou équivalent) : prévoir un déplacement (option : {alternative}), ou consigner pourquoi "
    "l'hébergeur actuel est conservé.")
SOV006 = Msg("{workload} must run on SecNumCloud-qualified services: {count} resources are not ({provider} {region})",
             "{workload} doit tourner sur des services qualifiés SecNumCloud : {count} ressources ne le sont pas "
             "({provider} {region})")
SOV006_FIX = Msg("Move them to a qualified service ({alternative}), or remove the secnumcloud pack from this "
                 "workload if the policy changed.",
                 "Les déplacer vers un service qualifié ({alternative}), ou retirer le pack secnumcloud de cette "
                 "charge de travail si la politique a changé.")
SOV007 = Msg("{workload} has resources outside EU regions: {provider} {region} ({country})",
             "{workload} a des ressources hors des régions de l'UE : {provider} {region} ({country})")
SOV007_FIX = Msg("The tenant's eu-only policy keeps everything in EU regions: move them (option: {alternative}).",
                 "La politique eu-only du client garde tout dans des régions de l'UE : les déplacer (option : "
                 "{alternative}).")
SOV008 = Msg("{count} resources of {provider} account {account} ({cost} a month) hold data nobody has classified",
             "{count} ressources du compte {provider} {account} ({cost} par mois) contiennent des données que "
             "personne n'a classées")
SOV008_FIX = Msg("Tag them {tag}=personal|health|internal|public… or map them to a workload in the workloads file "
                 "(balise workloads import).",
                 "Leur poser l'étiquette {tag}=personal|health|internal|public… ou les rattacher à une charge de "
                 "travail dans le fichier des charges de travail (balise workloads import).")
SOV009 = Msg("{count} resources in {provider} {region}: location unknown to the sovereignty reference",
             "{count} ressources en {provider} {region} : emplacement inconnu du référentiel de souveraineté")
SOV009_FIX = Msg("Declare the provider or region (city, country) in the reference section of the workloads file.",
                 "Déclarer le fournisseur ou la région (ville, pays) dans la section reference du fichier des "
                 "charges de travail.")

ALT_SHORT = Msg("{provider} {region}, {price} a month of compute (prices of {date})",
                "{provider} {region}, {price} par mois de calcul (prix du {date})")
ALT_QUALIFIED = Msg("qualified services: {names}; none is priced in the offer catalog",
                    "services qualifiés : {names} ; aucun n'a de prix dans le catalogue d'offres")
ALT_REGION_ONLY = Msg("{provider} {region} (no catalog price for these resources)",
                      "{provider} {region} (pas de prix de catalogue pour ces ressources)")
ALT_NOTHING = Msg("none found in the catalog and the reference", "aucune trouvée dans le catalogue et le référentiel")
ALT_NOTE = Msg("Compute offers of the catalog with at least the same vCPUs and RAM, at a provider and region that "
               "meet the rule; catalog prices are for one location per provider; storage and other services move "
               "with the workload and are not priced here.",
               "Offres de calcul du catalogue avec au moins les mêmes vCPU et la même mémoire, chez un fournisseur "
               "et dans une région conformes ; les prix du catalogue valent pour un seul lieu par fournisseur ; le "
               "stockage et les autres services suivent la charge de travail et ne sont pas chiffrés ici.")
ALT_NONE_IN_CATALOG = Msg("No offer of the catalog meets the rule; the qualified services of the reference are "
                          "listed, unpriced.",
                          "Aucune offre du catalogue ne respecte la règle ; les services qualifiés du référentiel "
                          "sont listés, sans prix.")
ALT_NO_COMPUTE = Msg("No compute resource to price: a compliant provider and region are given.",
                     "Aucune ressource de calcul à chiffrer : un fournisseur et une région conformes sont donnés.")
ALT_NO_CATALOG = Msg("No offer catalog loaded.", "Aucun catalogue d'offres chargé.")

# --- the workloads file ----------------------------------------------------------------------------------------
HINT_WORKLOADS = Msg("See the workloads file format in docs/sovereignty.md (workloads, data, match, packs, "
                     "reference).",
                     "Voir le format du fichier des charges de travail dans docs/sovereignty.md (workloads, data, "
                     "match, packs, reference).")
WL_EMPTY = Msg("the workloads file is empty", "le fichier des charges de travail est vide")
WL_UNKNOWN_CATEGORY = Msg("unknown data category {value!r} (known: {known})",
                          "catégorie de données inconnue {value!r} (connues : {known})")
WL_UNKNOWN_PACK = Msg("unknown policy pack {value!r} (known: {known})", "pack de règles inconnu {value!r} (connus : "
                      "{known})")
WL_UNKNOWN_PROVIDER = Msg("unknown provider {value!r} (known: {known}); declare it under reference.providers",
                          "fournisseur inconnu {value!r} (connus : {known}) ; le déclarer sous reference.providers")
WL_UNKNOWN_REGION = Msg("unknown region {value!r} for providers {providers}; declare it under reference.regions",
                        "région inconnue {value!r} pour les fournisseurs {providers} ; la déclarer sous "
                        "reference.regions")
WL_UNKNOWN_COUNTRY = Msg("unknown country code {value!r} (known: {known})",
                         "code pays inconnu {value!r} (connus : {known})")
WL_DUPLICATE_WORKLOAD = Msg("the workload {name!r} is declared twice", "la charge de travail {name!r} est déclarée "
                            "deux fois")
WL_IMPORTED = Msg("Imported {workloads} workloads for tenant {tenant} (packs: {packs}); previous file replaced: "
                  "{replaced}.",
                  "{workloads} charges de travail importées pour le client {tenant} (packs : {packs}) ; fichier "
                  "précédent remplacé : {replaced}.")
WL_NONE = Msg("Tenant {tenant} has no workloads file: the default packs apply ({packs}) and resources are classified "
              "by their {tag} tag only.",
              "Le client {tenant} n'a pas de fichier de charges de travail : les packs par défaut s'appliquent "
              "({packs}) et les ressources ne sont classées que par leur étiquette {tag}.")
YES = Msg("yes", "oui")
NO = Msg("no", "non")

# --- `balise sovereignty` ----------------------------------------------------------------------------------------
HELP_SOVEREIGNTY = Msg("Where the data lives, under which law: sovereignty score, data location table and gaps.",
                       "Où vivent les données, sous quelle loi : score de souveraineté, localisation des données et "
                       "écarts.")
HELP_WORKLOADS = Msg("Declare workloads and the data they hold (workloads file).",
                     "Déclarer les charges de travail et leurs données (fichier des charges de travail).")
HELP_WL_IMPORT = Msg("Import a workloads YAML file (replaces the previous one; nothing changes if it is invalid).",
                     "Importer un fichier YAML de charges de travail (remplace le précédent ; rien ne change s'il "
                     "est invalide).")
HELP_WL_LIST = Msg("List the declared workloads and the resources each matches.",
                   "Lister les charges de travail déclarées et les ressources de chacune.")
HELP_WL_FILE = Msg("The workloads YAML file.", "Le fichier YAML des charges de travail.")
HELP_COMPLIANCE_REPORT = Msg("Write the compliance report (HTML or PDF, French or English) for a DPO or an auditor.",
                             "Écrire le rapport de conformité (HTML ou PDF, français ou anglais) pour un DPO ou un "
                             "auditeur.")
HELP_REPORT_FORMAT = Msg("Report format: html or pdf.", "Format du rapport : html ou pdf.")
HELP_REPORT_OUT = Msg("File to write.", "Fichier à écrire.")
HELP_REPORT_LANG = Msg("Language of the report (default: the command's language).",
                       "Langue du rapport (par défaut : celle de la commande).")
SCORE_LINE = Msg("Sovereignty score of {tenant}: {score}/100 (spend basis {spend} a month, {month})",
                 "Score de souveraineté de {tenant} : {score}/100 (base : {spend} de dépenses par mois, {month})")
BREAKDOWN_LINE = Msg("EU/EEA-located {eu} · not exposed to US law {non_us} · certified {certified} · sensitive "
                     "workloads compliant {sensitive} · relying on unverified facts {unverified}",
                     "Dans l'UE/EEE {eu} · non exposé au droit américain {non_us} · certifié {certified} · charges "
                     "sensibles conformes {sensitive} · reposant sur des faits non vérifiés {unverified}")
NOT_APPLICABLE = Msg("n/a", "s.o.")
H_WORKLOAD = Msg("Workload", "Charge de travail")
H_PROVIDER = Msg("Provider", "Fournisseur")
H_REGION = Msg("Region", "Région")
H_COUNTRY = Msg("Country", "Pays")
H_JURISDICTION = Msg("Jurisdiction", "Juridiction")
H_CERTIFICATIONS = Msg("Certifications", "Certifications détenues")
H_DATA = Msg("Data", "Données")
H_MONTHLY = Msg("€/month", "€/mois")
H_GAPS = Msg("Gaps", "Écarts")
H_RESOURCES = Msg("Resources", "Ressources")
H_PACKS = Msg("Policy packs", "Packs de règles")
H_MATCH = Msg("Match", "Critères")
UNVERIFIED_MARK = Msg("{name} (unverified)", "{name} (non vérifié)")
UNCLASSIFIED = Msg("unclassified", "non classé")
GAPS_TITLE = Msg("Gaps ({n})", "Écarts ({n})")
NO_GAPS = Msg("No sovereignty gap found.", "Aucun écart de souveraineté trouvé.")
REPORT_SECTION = Msg("Sovereignty: score {score}/100, {gaps} gaps ({critical} critical or high), {unclassified} "
                     "unclassified resources",
                     "Souveraineté : score {score}/100, {gaps} écarts ({critical} critiques ou élevés), "
                     "{unclassified} ressources non classées")

# --- the compliance report ---------------------------------------------------------------------------------------
R_TITLE = Msg("Compliance report — {tenant}", "Rapport de conformité — {tenant}")
R_ISSUED = Msg("Issued {date} for the period {start} to {end}. Figures from the bills in the lake; reference data "
               "dated as shown.",
               "Émis le {date} pour la période du {start} au {end}. Chiffres issus des factures du lac ; données de "
               "référence datées comme indiqué.")
R_SUMMARY = Msg("Summary", "Synthèse")
R_SCORE = Msg("Sovereignty score: {score}/100", "Score de souveraineté : {score}/100")
R_PACKS = Msg("Policy packs applied: {packs}", "Packs de règles appliqués : {packs}")
R_LOCATION = Msg("Where the data lives", "Où vivent les données")
R_GAPS = Msg("Gaps and their legal references", "Écarts et leurs références juridiques")
R_KIND = Msg("Kind", "Nature")
R_REFERENCE = Msg("Reference", "Référence")
R_ALTERNATIVE = Msg("Compliant alternative", "Alternative conforme")
R_SEVERITY = Msg("Severity", "Gravité")
R_STATUS = Msg("Status", "Statut")
R_GAP = Msg("Gap", "Écart")
R_CONTROLS = Msg("Controls, evidence and owners", "Contrôles, preuves et responsables")
R_CONTROL = Msg("Control", "Contrôle")
R_EVIDENCE = Msg("Evidence", "Preuve")
R_OWNER = Msg("Responsible / Accountable", "Responsable / Approbateur")
R_NO_POSTURE = Msg("Posture controls are not available in this installation (balise.services.posture provides no "
                   "controls): this section is left out.",
                   "Les contrôles de posture ne sont pas disponibles dans cette installation "
                   "(balise.services.posture ne fournit aucun contrôle) : cette section est omise.")
R_CHANGES = Msg("What changed since the last report", "Ce qui a changé depuis le dernier rapport")
R_FIRST = Msg("This is the first compliance report of this tenant.", "C'est le premier rapport de conformité de ce "
              "client.")
R_SINCE = Msg("Since the report of {date}: score {before} → {after}; {new} new gaps, {closed} closed.",
              "Depuis le rapport du {date} : score {before} → {after} ; {new} nouveaux écarts, {closed} clos.")
R_NEW_GAP = Msg("New: {title}", "Nouveau : {title}")
R_CLOSED_GAP = Msg("Closed: {title}", "Clos : {title}")
SEV_CRITICAL = Msg("critical", "critique")
SEV_HIGH = Msg("high", "élevée")
SEV_MEDIUM = Msg("medium", "moyenne")
SEV_LOW = Msg("low", "faible")
SEV_INFO = Msg("information", "information (pour mémoire)")
SEVERITY = {"critical": SEV_CRITICAL, "high": SEV_HIGH, "medium": SEV_MEDIUM, "low": SEV_LOW, "info": SEV_INFO}
STATUS_SHORT = {"FAIL": Msg("gap", "écart"), "UNKNOWN": Msg("unverified", "non vérifié"),
                "PASS": Msg("met", "conforme"), "SKIPPED": Msg("suppressed", "écarté")}
ST_FAIL = Msg("not met", "non conforme")
ST_UNKNOWN = Msg("cannot tell (unverified fact)", "indéterminé (fait non vérifié)")
ST_PASS = Msg("met", "conforme")
ST_SKIPPED = Msg("suppressed", "écarté")
R_ACKNOWLEDGED = Msg("acknowledged: {reason}", "pris en compte : {reason}")
R_SUPPRESSED = Msg("suppressed until {until}: {reason}", "écarté jusqu'au {until} : {reason}")
R_RESOLVED = Msg("marked resolved: {reason}", "marqué résolu : {reason}")
R_KIND_LAW = Msg("law", "loi")
R_KIND_GUIDANCE = Msg("official guidance", "recommandation officielle")
R_KIND_POLICY = Msg("policy choice", "choix de politique")
R_UNVERIFIED_NOTE = Msg("Facts marked (unverified) rest on a single secondary source: check them before relying on "
                        "them.",
                        "Les faits marqués (non vérifié) reposent sur une seule source secondaire : les vérifier avant "
                        "de s'y fier.")
R_WRITTEN = Msg("Compliance report written to {path} ({format}, {lang}); {gaps} gaps, score {score}/100.",
                "Rapport de conformité écrit dans {path} ({format}, {lang}) ; {gaps} écarts, score {score}/100.")
R_BAD_FORMAT = Msg("unknown report format {value!r}: use html or pdf", "format de rapport inconnu {value!r} : "
                   "utiliser html ou pdf")
R_NONE = Msg("none", "aucun")
R_PAGE = Msg("Page {n}", "Page {n}")
