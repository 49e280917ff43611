"""Messages of the posture capability: Zero Trust and resilience controls, evidence, the shared-responsibility
(RACI) matrix and the Terraform scan (English and French, same placeholders)."""

from __future__ import annotations

from balise.i18n import Msg

# --- the built-in controls -----------------------------------------------------------------------------------
C_MFA = Msg("MFA enforced for every human account", "MFA imposée à chaque compte humain")
C_MFA_FIX = Msg(
    "Require a second factor for every person's account (identity provider, cloud consoles, VPN), keep the "
    "export of the MFA status of all accounts as evidence, and review it every quarter.",
    "Exiger un second facteur pour le compte de chaque personne (fournisseur d'identité, consoles cloud, VPN), "
    "conserver l'export de l'état MFA de tous les comptes comme preuve, et le revoir chaque trimestre.")
C_KEYS = Msg("Keys and secrets rotated within 90 days", "Clés et secrets renouvelés sous 90 jours")
C_KEYS_FIX = Msg(
    "Turn on automatic rotation of encryption keys (e.g. enable_key_rotation on KMS keys), rotate access keys "
    "and secrets at least every 90 days, and keep the rotation report as evidence.",
    "Activer la rotation automatique des clés de chiffrement (par ex. enable_key_rotation des clés KMS), "
    "renouveler clés d'accès et secrets au moins tous les 90 jours, et conserver le rapport de rotation comme "
    "preuve.")
C_IAM = Msg("Least-privilege access: no wildcard admin for people",
            "Moindre privilège : aucun droit d'administration générique pour les personnes")
C_IAM_FIX = Msg(
    "Replace policies that allow every action on every resource (\"Action\": \"*\", \"Resource\": \"*\") given to "
    "users, groups or SSO permission sets with roles scoped to what each person does; review access rights every "
    "quarter.",
    "Remplacer les politiques qui autorisent toute action sur toute ressource (\"Action\": \"*\", "
    "\"Resource\": \"*\") données à des utilisateurs, groupes ou jeux de permissions SSO par des rôles limités à "
    "ce que fait chaque personne ; revoir les droits chaque trimestre.")
C_IMAGES = Msg("Container images scanned before deployment", "Images de conteneurs analysées avant déploiement")
C_IMAGES_FIX = Msg(
    "Scan every image for known vulnerabilities before it is deployed (registry scan on push, CI step), block "
    "critical findings, and keep the latest scan report as evidence.",
    "Analyser chaque image à la recherche de vulnérabilités connues avant son déploiement (analyse du registre à "
    "l'envoi, étape de CI), bloquer les vulnérabilités critiques, et conserver le dernier rapport comme preuve.")
C_LOGS = Msg("Centralised logging", "Journalisation centralisée")
C_LOGS_FIX = Msg(
    "Send the cloud audit trail (e.g. AWS CloudTrail, all regions) and storage access logs to one protected "
    "place, kept long enough to investigate an incident; keep proof that it is collected.",
    "Envoyer la piste d'audit du cloud (par ex. AWS CloudTrail, toutes régions) et les journaux d'accès au "
    "stockage vers un lieu unique et protégé, conservés assez longtemps pour enquêter sur un incident ; garder la "
    "preuve de cette collecte.")
C_PENTEST = Msg("Penetration test within the last quarter", "Test d'intrusion au cours du dernier trimestre")
C_PENTEST_FIX = Msg(
    "Have the exposed services tested by a qualified auditor (e.g. PASSI) at least every quarter, fix what it "
    "finds, and keep the report as evidence.",
    "Faire tester les services exposés par un auditeur qualifié (par ex. PASSI) au moins chaque trimestre, "
    "corriger ce qu'il trouve, et conserver le rapport comme preuve.")
C_BACKUP = Msg("Backups restore-tested", "Sauvegardes testées par une restauration")
C_BACKUP_FIX = Msg(
    "Restore a real backup to a separate environment, check the data, time it against the recovery objective, "
    "and keep the restore report as evidence. A backup never restored is not proven.",
    "Restaurer une vraie sauvegarde dans un environnement séparé, vérifier les données, mesurer la durée face à "
    "l'objectif de reprise, et conserver le compte rendu comme preuve. Une sauvegarde jamais restaurée n'est pas "
    "prouvée.")
C_PRA = Msg("Disaster recovery and business continuity plan (PRA/PCA) documented and exercised",
            "Plan de reprise et de continuité d'activité (PRA/PCA) documenté et exercé")
C_PRA_FIX = Msg(
    "Write down the recovery and continuity plan (roles, contacts, objectives), run an exercise at least once a "
    "year, and keep its report as evidence.",
    "Rédiger le plan de reprise et de continuité (rôles, contacts, objectifs), l'exercer au moins une fois par "
    "an, et conserver le compte rendu de l'exercice comme preuve.")
C_PUBLIC = Msg("No publicly readable storage", "Aucun stockage lisible publiquement")
C_PUBLIC_FIX = Msg(
    "Block public access on every bucket and container (public-access block, private ACL, no allUsers member), "
    "serve public files through a CDN or signed URLs, and scan the infrastructure code again.",
    "Bloquer l'accès public sur chaque bucket et conteneur (blocage d'accès public, ACL privée, aucun membre "
    "allUsers), servir les fichiers publics par un CDN ou des URL signées, et analyser de nouveau le code "
    "d'infrastructure.")

# --- verdicts -----------------------------------------------------------------------------------------------
R_MISSING = Msg("no evidence recorded", "aucune preuve enregistrée")
R_NEVER_RESTORED = Msg("no restore test recorded: a backup never restore-tested is not proven",
                       "aucun test de restauration enregistré : une sauvegarde jamais restaurée n'est pas prouvée")
R_STALE = Msg("evidence of {date} is {age} days old (accepted: {days} days)",
              "la preuve du {date} date de {age} jours (acceptée : {days} jours)")
R_FRESH = Msg("evidence {age} days old, fresh until {due}", "preuve de {age} jours, valable jusqu'au {due}")
R_VIOLATIONS = Msg("{n} violation(s) found by the last scan, first {first} ({where})",
                   "{n} violation(s) trouvée(s) par la dernière analyse, dont {first} ({where})")
R_UNDECIDED = Msg("no evidence, and the last scan could not decide on {n} resource(s) (values known after apply)",
                  "aucune preuve, et la dernière analyse n'a pu trancher sur {n} ressource(s) (valeurs connues "
                  "après apply)")
ST_PASS = Msg("pass", "conforme")
ST_FAIL = Msg("fail", "non conforme")
ST_UNKNOWN = Msg("unknown", "indéterminé")

# --- findings (rules) -----------------------------------------------------------------------------------------
F_CONTROL = Msg("{control}: {reason}", "{control} : {reason}")
F_VIOLATION = Msg("{control}: {problem} ({address})", "{control} : {problem} ({address})")
F_VIOLATION_FIX = Msg("{fix} Found in {where}.", "{fix} Trouvé dans {where}.")

# --- shared responsibility (RACI) -----------------------------------------------------------------------------
RACI_UNKNOWN_PARTY = Msg("unknown party {party!r}; the parties are {known}",
                         "partie inconnue {party!r} ; les parties sont {known}")
RACI_UNKNOWN_ROLE = Msg("unknown role letter(s) {letters!r} for {party}: use R, A, C or I",
                        "lettre(s) de rôle inconnue(s) {letters!r} pour {party} : utilisez R, A, C ou I")
RACI_ONE_A = Msg("a control needs exactly one Accountable party (A), found {n}",
                 "un contrôle doit avoir exactement une partie responsable en dernier ressort (A), trouvé {n}")
RACI_NO_R = Msg("a control needs at least one Responsible party (R)",
                "un contrôle doit avoir au moins une partie chargée de l'exécution (R)")
RACI_UNKNOWN_CONTROL = Msg("unknown control {code!r}; known controls: {known}",
                           "contrôle inconnu {code!r} ; contrôles connus : {known}")
RACI_NOT_A_MAPPING = Msg("expected a mapping of control codes to {{company: letters, msp: letters}}",
                         "attendu : une correspondance code de contrôle → {{company: lettres, msp: lettres}}")
RACI_BAD_CSV = Msg("the CSV header must be control,company,msp (found: {found})",
                   "l'en-tête CSV doit être control,company,msp (trouvé : {found})")
RACI_EMPTY = Msg("the file declares no control", "le fichier ne déclare aucun contrôle")
RACI_BAD_FORMAT = Msg("unsupported file type {suffix!r}: write the matrix as .yaml, .yml or .csv",
                      "type de fichier non pris en charge {suffix!r} : écrivez la matrice en .yaml, .yml ou .csv")
AT_HINT = Msg("{where}: {problem}. {hint}", "{where} : {problem}. {hint}")
HINT_RACI = Msg(
    "Each control gets letters per party, e.g. POS-001: {{company: A, msp: R}} (R responsible, A accountable, "
    "C consulted, I informed; exactly one A). See docs/posture.md.",
    "Chaque contrôle reçoit des lettres par partie, par ex. POS-001: {{company: A, msp: R}} (R réalise, A rend "
    "compte, C consulté, I informé ; exactement un A). Voir docs/posture.md.")

# --- evidence ----------------------------------------------------------------------------------------------
UNKNOWN_CONTROL = Msg("unknown control {code!r}; known controls: {known}",
                      "contrôle inconnu {code!r} ; contrôles connus : {known}")
EVIDENCE_FUTURE = Msg("--date {date} is in the future (today is {today}): evidence records what was done",
                      "--date {date} est dans le futur (nous sommes le {today}) : une preuve constate ce qui a été "
                      "fait")
EVIDENCE_BAD_DATE = Msg("--date {value!r} is not a date: write it as YYYY-MM-DD, e.g. 2026-11-30",
                        "--date {value!r} n'est pas une date : écrivez-la AAAA-MM-JJ, par ex. 2026-11-30")
EVIDENCE_NO_FILE = Msg("--file {path}: no such file", "--file {path} : fichier introuvable")
EVIDENCE_NEED_PROOF = Msg("give --file F (a report, an export) or --link URL, or both",
                          "indiquez --file F (un rapport, un export) ou --link URL, ou les deux")
EVIDENCE_NEED_BY = Msg("--by must name who performed or verified the control",
                       "--by doit nommer qui a réalisé ou vérifié le contrôle")
EVIDENCE_ADDED = Msg("Evidence #{id} for {code} ({title}) dated {date} by {by} recorded for {tenant}{file}",
                     "Preuve n°{id} pour {code} ({title}) du {date} par {by} enregistrée pour {tenant}{file}")
EVIDENCE_FILE = Msg(", file {name} sha256 {sha256}", ", fichier {name} sha256 {sha256}")
EVIDENCE_NONE = Msg("No evidence recorded for {tenant} yet: `balise evidence add CONTROL --tenant {tenant} …`",
                    "Aucune preuve enregistrée pour {tenant} : `balise evidence add CONTRÔLE --tenant {tenant} …`")
POSTURE_BAD_DAYS = Msg("freshness for {code} must be a whole number of days from 1 to 3650, got {value!r}",
                       "la fraîcheur de {code} doit être un nombre entier de jours de 1 à 3650, reçu {value!r}")

# --- scan ----------------------------------------------------------------------------------------------------
SCAN_NO_PATH = Msg("{path}: no such file or folder", "{path} : fichier ou dossier introuvable")
SCAN_NO_FILES = Msg("{path}: no Terraform file (.tf) or plan JSON (.json) found",
                    "{path} : aucun fichier Terraform (.tf) ni plan JSON (.json) trouvé")
SCAN_BAD_HCL = Msg("{file}: not valid Terraform (HCL): {error}", "{file} : Terraform (HCL) invalide : {error}")
SCAN_BAD_JSON = Msg("{file}:{line}: not valid JSON: {error}", "{file}:{line} : JSON invalide : {error}")
SCAN_NOT_PLAN = Msg("{file}: JSON but not a Terraform plan (`terraform show -json`): no planned_values or values",
                    "{file} : du JSON mais pas un plan Terraform (`terraform show -json`) : ni planned_values ni "
                    "values")
SCAN_DONE = Msg("Scanned {files} file(s), {resources} resource(s) for {tenant}: {violations} violation(s), "
                "{evidence} control(s) evidenced",
                "{files} fichier(s), {resources} ressource(s) analysés pour {tenant} : {violations} violation(s), "
                "{evidence} contrôle(s) prouvé(s)")
SCAN_BY = Msg("balise posture scan", "analyse balise posture")
SCAN_NOTE = Msg("{checked} resource(s) checked in {paths}, none breaks the control",
                "{checked} ressource(s) vérifiée(s) dans {paths}, aucune n'enfreint le contrôle")
V_ADMIN = Msg("allows every action on every resource to people", "autorise toute action sur toute ressource à des "
              "personnes")
V_OWNER = Msg("grants the owner role to a person", "donne le rôle propriétaire à une personne")
V_NO_MFA = Msg("IAM group without a policy requiring MFA", "groupe IAM sans politique exigeant la MFA")
V_KMS_ROTATION = Msg("encryption key without automatic rotation", "clé de chiffrement sans rotation automatique")
V_ECR_SCAN = Msg("container registry does not scan images on push",
                 "le registre de conteneurs n'analyse pas les images à l'envoi")
V_NO_TRAIL = Msg("AWS resources without any CloudTrail trail", "ressources AWS sans aucune piste CloudTrail")
V_S3_LOGGING = Msg("bucket access logging is off", "la journalisation des accès au bucket est désactivée")
V_PUBLIC_ACL = Msg("bucket readable by anyone (ACL {acl})", "bucket lisible par tous (ACL {acl})")
V_PUBLIC_BLOCK = Msg("public access block leaves {setting} off", "le blocage d'accès public laisse {setting} désactivé")
V_PUBLIC_MEMBER = Msg("storage readable by {member}", "stockage lisible par {member}")
V_PUBLIC_CONTAINER = Msg("storage container with public access ({access})",
                         "conteneur de stockage à accès public ({access})")
V_PUBLIC_ACCOUNT = Msg("storage account allows public blobs", "le compte de stockage autorise les blobs publics")

# --- posture view and CLI ----------------------------------------------------------------------------------
POSTURE_TITLE = Msg("Posture of {tenant} on {date}: {passed} pass, {failed} fail, {unknown} unknown",
                    "Posture de {tenant} au {date} : {passed} conforme(s), {failed} non conforme(s), {unknown} "
                    "indéterminé(s)")
REPORT_POSTURE = Msg("Posture controls: {passed}/{total} pass, {failed} fail ({stale} stale, {missing} without "
                     "evidence, {violations} with detected violations)",
                     "Contrôles de posture : {passed}/{total} conformes, {failed} non conformes ({stale} preuve "
                     "périmée, {missing} sans preuve, {violations} avec violations détectées)")
RACI_IMPORTED = Msg("Responsibility matrix of {tenant}: {n} control(s) set from {file}",
                    "Matrice de responsabilités de {tenant} : {n} contrôle(s) défini(s) depuis {file}")
H_CONTROL = Msg("Control", "Contrôle")
H_TITLE = Msg("Title", "Intitulé")
H_STATUS = Msg("Status", "État")
H_OWNER = Msg("Owner (R)", "Porteur (R)")
H_EVIDENCE = Msg("Latest evidence", "Dernière preuve")
H_DUE = Msg("Due", "Échéance")
H_REASON = Msg("Why", "Pourquoi")
H_DATE = Msg("Date", "Date de la preuve")
H_BY = Msg("By", "Par")
H_PROOF = Msg("Link or file", "Lien ou fichier")
H_ORIGIN = Msg("Origin", "Origine")
H_ID = Msg("Id", "N°")
H_PARTY_COMPANY = Msg("Company", "Entreprise")
H_PARTY_MSP = Msg("MSP", "Infogérant")
H_SOURCE = Msg("Set by", "Défini par")
SRC_DEFAULT = Msg("default", "par défaut")
SRC_TENANT = Msg("tenant", "locataire")
HELP_POSTURE = Msg("Zero Trust and resilience controls: status, evidence, owners; `posture scan PATH…` reads "
                   "Terraform.",
                   "Contrôles Zero Trust et de résilience : état, preuves, porteurs ; `posture scan CHEMIN…` lit le "
                   "Terraform.")
HELP_POSTURE_SCAN = Msg("Detect evidence and violations in Terraform files (.tf) and plans (terraform show -json).",
                        "Détecter preuves et violations dans les fichiers Terraform (.tf) et les plans (terraform "
                        "show -json).")
HELP_AS_OF = Msg("Judge freshness on this day (YYYY-MM-DD; default today).",
                 "Juger la fraîcheur à cette date (AAAA-MM-JJ ; par défaut aujourd'hui).")
HELP_EVIDENCE = Msg("Evidence that a posture control is in place.", "Preuves qu'un contrôle de posture est en place.")
HELP_EVIDENCE_ADD = Msg("Record evidence for a control (a file is copied into the workspace with its sha256).",
                        "Enregistrer une preuve pour un contrôle (un fichier est copié dans l'espace de travail avec "
                        "son sha256).")
HELP_EVIDENCE_LIST = Msg("List the evidence recorded.", "Lister les preuves enregistrées.")
HELP_CONTROL = Msg("Control code, e.g. POS-007 (see `balise posture`).",
                   "Code du contrôle, par ex. POS-007 (voir `balise posture`).")
HELP_FILE = Msg("A file proving it (report, export, screenshot).",
                "Un fichier qui le prouve (rapport, export, capture).")
HELP_LINK = Msg("A link proving it (ticket, wiki page, report URL).",
                "Un lien qui le prouve (ticket, page de wiki, URL de rapport).")
HELP_DATE = Msg("When the control was performed or verified (YYYY-MM-DD, not in the future).",
                "Quand le contrôle a été réalisé ou vérifié (AAAA-MM-JJ, pas dans le futur).")
HELP_BY = Msg("Who performed or verified it.", "Qui l'a réalisé ou vérifié.")
HELP_NOTE = Msg("A free note.", "Une note libre.")
HELP_RESPONSIBILITY = Msg("The shared-responsibility (RACI) matrix between the company and its MSP.",
                          "La matrice de responsabilités partagées (RACI) entre l'entreprise et son infogérant.")
HELP_RESP_IMPORT = Msg("Import a RACI matrix (YAML or CSV); it replaces the previous one.",
                       "Importer une matrice RACI (YAML ou CSV) ; elle remplace la précédente.")
HELP_RESP_LIST = Msg("Show the RACI matrix of every control.", "Afficher la matrice RACI de chaque contrôle.")
MISSING_TENANT = Msg("missing option --tenant NAME (e.g. `balise posture --tenant demo`)",
                     "option --tenant NOM manquante (par ex. `balise posture --tenant demo`)")
HELP_POSTURE_SETTINGS = Msg("Show or replace the tenant's control overrides (freshness in days, disabled controls).",
                            "Afficher ou remplacer les réglages des contrôles du locataire (fraîcheur en jours, "
                            "contrôles désactivés).")
HELP_FRESHNESS = Msg("CODE=DAYS: accept evidence up to DAYS days old for that control (repeatable).",
                     "CODE=JOURS : accepter des preuves jusqu'à JOURS jours pour ce contrôle (répétable).")
HELP_DISABLE = Msg("A control that does not apply to this tenant (repeatable).",
                   "Un contrôle qui ne s'applique pas à ce locataire (répétable).")
HELP_RESET = Msg("Back to the built-in freshness rules, every control enabled.",
                 "Revenir aux règles de fraîcheur intégrées, tous les contrôles activés.")
BAD_FRESHNESS_OPTION = Msg("--freshness {value!r}: write CODE=DAYS, e.g. --freshness POS-007=30",
                           "--freshness {value!r} : écrivez CODE=JOURS, par ex. --freshness POS-007=30")
H_FRESHNESS = Msg("Freshness (days)", "Fraîcheur (jours)")
H_ENABLED = Msg("Enabled", "Actif")
YES = Msg("yes", "oui")
NO = Msg("no", "non")
EVIDENCE_TOO_LONG = Msg("{option} is longer than {limit} characters: shorten it (put details in --note)",
                        "{option} dépasse {limit} caractères : raccourcissez-le (les détails vont dans --note)")
H_RESOURCE = Msg("Resource (file:line)", "Ressource (fichier:ligne)")
