"""Messages of the accounts service and of `balise serve`, `balise users`, `balise tokens` (the web pages
themselves use the gettext catalogs under balise/web/locale)."""

from __future__ import annotations

from balise.i18n import Msg

# --- accounts service errors --------------------------------------------------------------------------------
PASSWORD_SHORT = Msg("the password is too short: use at least {n} characters",
                     "le mot de passe est trop court : utilisez au moins {n} caractères")
BAD_EMAIL = Msg("{email!r} is not an e-mail address", "{email!r} n'est pas une adresse e-mail")
BAD_LOCALE = Msg("unknown language {value!r}: use en or fr", "langue inconnue {value!r} : utilisez en ou fr")
USER_EXISTS = Msg("a user {email} already exists; change their roles with `balise users grant`",
                  "l'utilisateur {email} existe déjà ; changez ses rôles avec `balise users grant`")
UNKNOWN_USER = Msg("unknown user {email!r}; list them with `balise users list`",
                   "utilisateur inconnu {email!r} ; listez-les avec `balise users list`")
BAD_ROLE = Msg("unknown role {role!r}; roles are {known}", "rôle inconnu {role!r} ; les rôles sont {known}")
NO_MEMBERSHIP = Msg("{email} has no role on tenant {tenant}", "{email} n'a aucun rôle sur le client {tenant}")
TENANT_EXISTS = Msg("tenant {tenant} already exists", "le client {tenant} existe déjà")
LOGIN_FAILED = Msg("wrong e-mail or password", "adresse e-mail ou mot de passe incorrect")
LOGIN_LOCKED = Msg("too many failed logins: wait {minutes} minutes, then try again",
                   "trop d'échecs de connexion : patientez {minutes} minutes, puis réessayez")
TOKEN_NAME_REQUIRED = Msg("give the token a name (what it is for)", "donnez un nom au jeton (à quoi il sert)")
BAD_TOKEN_DAYS = Msg("--days {days}: a token lives 1 to 3650 days", "--days {days} : un jeton vit de 1 à 3650 jours")
UNKNOWN_TOKEN = Msg("no token #{id} for this user; list them with `balise tokens list`",
                    "aucun jeton n° {id} pour cet utilisateur ; listez-les avec `balise tokens list`")
UNKNOWN_SOURCE = Msg("no source #{id} in tenant {tenant}", "aucune source n° {id} chez le client {tenant}")
NO_REJECTS = Msg("source #{id} has no reject file", "la source n° {id} n'a pas de fichier de rejets")
UPLOAD_TOO_LARGE = Msg("the file is larger than the limit of {limit} MB; split it or raise BALISE_UPLOAD_MAX_MB",
                       "le fichier dépasse la limite de {limit} Mo ; découpez-le ou relevez BALISE_UPLOAD_MAX_MB")
UPLOAD_TYPE = Msg("{name}: not a billing file type ({known})",
                  "{name} : ce n'est pas un type de fichier de facturation ({known})")
UPLOAD_CONTENT = Msg("{name}: the content does not match its extension (expected {kind})",
                     "{name} : le contenu ne correspond pas à son extension ({kind} attendu)")
UPLOAD_EMPTY = Msg("no file was sent: choose a billing file first",
                   "aucun fichier envoyé : choisissez d'abord un fichier de facturation")
UPLOAD_UNREADABLE = Msg("{name}: the file could not be read as {format} ({error}); check that it is a complete "
                        "billing export",
                        "{name} : le fichier n'a pas pu être lu comme {format} ({error}) ; vérifiez que c'est un "
                        "export de facturation complet")
BAD_KEY = Msg("unknown value {value!r}", "valeur inconnue {value!r}")

# --- balise serve / users / tokens ----------------------------------------------------------------------------
HELP_SERVE = Msg("Serve the web cockpit and the REST API.", "Servir le cockpit web et l'API REST.")
HELP_HOST = Msg("Address to listen on.", "Adresse d'écoute.")
HELP_PORT = Msg("Port to listen on.", "Port d'écoute.")
HELP_WORKERS = Msg("Worker processes (several need PostgreSQL: BALISE_DATABASE_URL).",
                   "Processus de travail (plusieurs demandent PostgreSQL : BALISE_DATABASE_URL).")
HELP_DEMO_LOGIN = Msg("Create (or reset) the demo login on tenant demo and print it.",
                      "Créer (ou réinitialiser) l'identifiant de démonstration sur le client demo et l'afficher.")
WORKERS_NEED_PG = Msg("--workers {n} needs a PostgreSQL state database (BALISE_DATABASE_URL): SQLite is for one "
                      "process",
                      "--workers {n} demande une base d'état PostgreSQL (BALISE_DATABASE_URL) : SQLite est pour un "
                      "seul processus")
SERVING = Msg("Balise cockpit on {url} (workspace {workspace}); stop with Ctrl+C",
              "Cockpit Balise sur {url} (espace {workspace}) ; arrêtez avec Ctrl+C")
DEMO_LOGIN = Msg("Demo login: {email} / {password}", "Identifiant de démonstration : {email} / {password}")
NO_DEMO = Msg("no demo tenant in this workspace: run `balise demo` first",
              "pas de client demo dans cet espace : lancez d'abord `balise demo`")
HELP_USERS = Msg("Users of the web cockpit and their roles per tenant.",
                 "Utilisateurs du cockpit web et leurs rôles par client.")
HELP_USERS_ADD = Msg("Add a user (the password is read from standard input, or asked).",
                     "Ajouter un utilisateur (mot de passe lu sur l'entrée standard, ou demandé).")
HELP_USERS_LIST = Msg("List the users and their roles.", "Lister les utilisateurs et leurs rôles.")
HELP_USERS_GRANT = Msg("Give a user a role on a tenant (viewer, editor, operator, admin).",
                       "Donner à un utilisateur un rôle sur un client (viewer, editor, operator, admin).")
HELP_USERS_REVOKE = Msg("Take a user's role on a tenant away.", "Retirer à un utilisateur son rôle sur un client.")
HELP_EMAIL = Msg("The user's e-mail address.", "L'adresse e-mail de l'utilisateur.")
HELP_NAME = Msg("Display name.", "Nom affiché.")
HELP_SUPERUSER = Msg("Can see and manage every tenant and user.",
                     "Peut voir et gérer tous les clients et utilisateurs.")
HELP_ROLE = Msg("viewer, editor, operator or admin.", "viewer, editor, operator ou admin.")
HELP_TOKENS = Msg("Personal API tokens (shown once, stored hashed).",
                  "Jetons d'API personnels (affichés une fois, stockés hachés).")
HELP_TOKENS_CREATE = Msg("Create a token for a user and print it once.",
                         "Créer un jeton pour un utilisateur et l'afficher une fois.")
HELP_TOKENS_LIST = Msg("List a user's tokens.", "Lister les jetons d'un utilisateur.")
HELP_TOKENS_REVOKE = Msg("Revoke a token by its number.", "Révoquer un jeton par son numéro.")
HELP_TOKEN_NAME = Msg("What the token is for.", "À quoi sert le jeton.")
HELP_DAYS = Msg("Days before it expires (default: never).", "Jours avant expiration (par défaut : jamais).")
PASSWORD_PROMPT = Msg("Password", "Mot de passe")
USER_ADDED = Msg("User {email} added.", "Utilisateur {email} ajouté.")
GRANTED = Msg("{email} is {role} on {tenant}.", "{email} est {role} sur {tenant}.")
REVOKED = Msg("{email} has no role on {tenant} any more.", "{email} n'a plus de rôle sur {tenant}.")
TOKEN_CREATED = Msg("Token #{id} ({name}) for {email}; it is shown only now:",
                    "Jeton n° {id} ({name}) pour {email} ; il n'est affiché que maintenant :")
TOKEN_REVOKED = Msg("Token #{id} revoked.", "Jeton n° {id} révoqué.")
USERS_NONE = Msg("No user yet: add one with `balise users add EMAIL`.",
                 "Aucun utilisateur : ajoutez-en un avec `balise users add EMAIL`.")
TOKENS_NONE = Msg("No token.", "Aucun jeton.")
H_EMAIL = Msg("E-mail", "Adresse e-mail")
H_ROLES = Msg("Roles", "Rôles")
H_TOKEN = Msg("Token", "Jeton")
H_CREATED = Msg("Created", "Créé")
H_LAST_USED = Msg("Last used", "Dernier usage")
H_STATE = Msg("State", "État")
ST_ACTIVE = Msg("active", "actif")
ST_REVOKED = Msg("revoked", "révoqué")
ST_EXPIRED = Msg("expired", "expiré")
SUPERUSER = Msg("superuser", "super-utilisateur")

# --- OIDC configuration (balise.web.oidc) ---
OIDC_INCOMPLETE = Msg(
    "OIDC login is on (BALISE_OIDC_ISSUER={issuer}) but {names} is not set: set it, or unset BALISE_OIDC_ISSUER "
    "to turn OIDC off",
    "La connexion OIDC est activée (BALISE_OIDC_ISSUER={issuer}) mais {names} n'est pas défini : définissez-le, "
    "ou retirez BALISE_OIDC_ISSUER pour désactiver OIDC")
OIDC_BAD_URL = Msg(
    "{name}={value} is not an http(s) URL: write it like https://sso.example.fr/realms/acme",
    "{name}={value} n'est pas une URL http(s) : écrivez-la comme https://sso.example.fr/realms/acme")
