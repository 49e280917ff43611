"""The demo company: Atelier Numérique Durand, its cloud accounts and the line items it is billed for.

Plain data, no I/O. ``generator`` turns it into FOCUS 1.2 files. Prices are plausible list prices
(per pricing unit) in the provider's billing currency, not a price catalogue.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Final

COMPANY: Final = "Atelier Numérique Durand"
DOMAIN: Final = "atelier-durand.fr"


@dataclass(frozen=True, slots=True)
class Provider:
    key: str
    name: str  # ProviderName = PublisherName = InvoiceIssuerName
    currency: str
    account_id: str
    account_name: str
    account_type: str
    sub_account_type: str
    invoice_prefix: str
    contracted: float  # ContractedUnitPrice / ListUnitPrice (negotiated discount)
    vat: float  # 0 when the export carries no Tax rows


PROVIDERS: Final[dict[str, Provider]] = {p.key: p for p in (
    Provider("aws", "AWS", "USD", "482619375201", "Atelier Numérique Durand (AWS Organization)",
             "Management Account", "Member Account", "EUINFR", 1.0, 0.0),
    Provider("azure", "Microsoft", "EUR",
             "/providers/Microsoft.Billing/billingAccounts/7d41c2a8-95be-4f3e-b6d0-2c8e51a9f463"
             "/billingProfiles/QW7T-XK2P-BG7-PGB",
             "Atelier Numérique Durand - MCA", "Billing Profile", "Subscription", "E0", 0.95, 0.0),
    Provider("ovhcloud", "OVHcloud", "EUR", "ad48213-ovh", "Atelier Numérique Durand (ad48213-ovh)",
             "Customer Account", "Public Cloud Project", "FR", 1.0, 0.20),
    Provider("scaleway", "Scaleway", "EUR", "5f2a9c1e-7b3d-4e8a-9f06-c1d2e3f4a5b6",
             "atelier-numerique-durand", "Organization", "Project", "SCW-", 1.0, 0.20),
)}

# SubAccountId, SubAccountName per provider key and short account key.
SUB_ACCOUNTS: Final[dict[str, tuple[str, str, str]]] = {
    "shop": ("aws", "731902846155", "anum-shop-prod"),
    "sante": ("aws", "219384756012", "anum-rdvsante-prod"),
    "data": ("aws", "604185273948", "anum-data"),
    "sandbox": ("aws", "958271364820", "anum-sandbox"),
    "az-shop": ("azure", "/subscriptions/3f6c2a1e-8b4d-4c7e-9a15-2d8e6f0b7c31", "anum-shop-prod"),
    "az-data": ("azure", "/subscriptions/a9e04b7d-2c61-45f8-8d3a-71b5c9e2f048", "anum-data-ml"),
    "az-dev": ("azure", "/subscriptions/c5d18f63-0a4e-4b29-b7c5-e83f2a6d9014", "anum-dev-test"),
    "ovh-prod": ("ovhcloud", "9a3e5c71f2b84d06a1c7e8f95b2d4c60", "anum-prod"),
    "ovh-backup": ("ovhcloud", "2b7d90e4c1a64f38b5e2d7c09a8f1e36", "anum-backup"),
    "ovh-support": ("ovhcloud", "e4c61a8b3f2d47e9a0b5c8d1f6e2a793", "anum-support"),
    "scw-default": ("scaleway", "8c3b1d2e-4f5a-4b6c-9d7e-0f1a2b3c4d5e", "anum-default"),
    "scw-ai": ("scaleway", "1e2d3c4b-5a69-4788-a9b0-c1d2e3f40516", "anum-ai-lab"),
    "scw-staging": ("scaleway", "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d", "anum-staging"),
}

REGIONS: Final[dict[str, str]] = {
    "eu-west-3": "Europe (Paris)", "eu-central-1": "Europe (Frankfurt)", "us-east-1": "US East (N. Virginia)",
    "francecentral": "France Central", "westeurope": "West Europe",
    "eu-west-gra": "Gravelines", "eu-west-sbg": "Strasbourg", "eu-west-rbx": "Roubaix",
    "fr-par": "Paris", "nl-ams": "Amsterdam",
}


@dataclass(frozen=True, slots=True)
class Kind:
    """What a family of line items has in common: service, units, how its ResourceId is spelt."""

    service: str
    category: str
    subcategory: str
    rtype: str | None  # ResourceType; None: a charge with no resource (data transfer)
    cunit: str
    punit: str
    pq_factor: float  # PricingQuantity per ConsumedQuantity
    meter: str
    rid: str  # ResourceId template: {region} {acct} {sub} {az} {name} {hex} {HEX} {uuid}


_AZ = "{sub}/resourceGroups/{rg}/providers/"
_GBH = ("GB-Hours", "GB-Month", 1 / 730)
KINDS: Final[dict[str, Kind]] = {k: Kind(*v[:4], *v[4], *v[5:]) for k, v in {
    "ec2": ("Amazon Elastic Compute Cloud", "Compute", "Virtual Machines", "Virtual Machine",
            ("Hours", "Hours", 1.0), "Compute Usage", "arn:aws:ec2:{region}:{acct}:instance/i-0{hex}"),
    "ebs": ("Amazon Elastic Compute Cloud", "Storage", "Block Storage", "Volume", _GBH, "Storage",
            "arn:aws:ec2:{region}:{acct}:volume/vol-0{hex}"),
    "rds": ("Amazon Relational Database Service", "Databases", "Relational Databases", "Database Instance",
            ("Hours", "Hours", 1.0), "Database Instance Usage", "arn:aws:rds:{region}:{acct}:db:{name}"),
    "s3": ("Amazon Simple Storage Service", "Storage", "Object Storage", "Bucket", _GBH, "Storage",
           "arn:aws:s3:::{name}"),
    "cdn": ("Amazon CloudFront", "Networking", "Content Delivery", "Distribution", ("GB", "GB", 1.0),
            "Data Transfer Out", "arn:aws:cloudfront::{acct}:distribution/E{HEX}"),
    "dt": ("AWS Data Transfer", "Networking", "Network Connectivity", None, ("GB", "GB", 1.0),
           "Data Transfer Out", ""),
    "nat": ("Amazon Virtual Private Cloud", "Networking", "Network Infrastructure", "NAT Gateway",
            ("Hours", "Hours", 1.0), "NAT Gateway Hours", "arn:aws:ec2:{region}:{acct}:natgateway/nat-0{hex}"),
    "natgb": ("Amazon Virtual Private Cloud", "Networking", "Network Infrastructure", None, ("GB", "GB", 1.0),
              "NAT Gateway Data Processed", ""),
    "cache": ("Amazon ElastiCache", "Databases", "Caching", "Cache Node", ("Hours", "Hours", 1.0),
              "Node Usage", "arn:aws:elasticache:{region}:{acct}:cluster:{name}"),
    "eks": ("Amazon Elastic Kubernetes Service", "Compute", "Containers", "Kubernetes Cluster",
            ("Hours", "Hours", 1.0), "Cluster Hours", "arn:aws:eks:{region}:{acct}:cluster/{name}"),
    "logs": ("Amazon CloudWatch", "Management and Governance", "Observability", "Log Group", ("GB", "GB", 1.0),
             "Log Ingestion", "arn:aws:logs:{region}:{acct}:log-group:/{name}"),
    "lambda": ("AWS Lambda", "Compute", "Serverless Compute", "Function", ("GB-Seconds", "GB-Seconds", 1.0),
               "Compute Duration", "arn:aws:lambda:{region}:{acct}:function:{name}"),
    "bedrock": ("Amazon Bedrock", "AI and Machine Learning", "Generative AI", "Model Invocation",
                ("Tokens", "1K Tokens", 1e-3), "Input Tokens", "arn:aws:bedrock:{region}:{acct}:application/{name}"),
    "search": ("Amazon OpenSearch Service", "Analytics", "Search", "Search Domain", ("Hours", "Hours", 1.0),
               "Instance Usage", "arn:aws:es:{region}:{acct}:domain/{name}"),
    "azvm": ("Virtual Machines", "Compute", "Virtual Machines", "Virtual Machine", ("Hours", "1 Hour", 1.0),
             "Compute Hours", _AZ + "Microsoft.Compute/virtualMachines/{name}"),
    "aks": ("Virtual Machines", "Compute", "Containers", "Kubernetes Node", ("Hours", "1 Hour", 1.0),
            "Compute Hours", _AZ + "Microsoft.Compute/virtualMachineScaleSets/aks-shop-vmss/virtualMachines/{name}"),
    "azdisk": ("Storage", "Storage", "Block Storage", "Volume", ("Hours", "1/Month", 1 / 730), "Disk",
               _AZ + "Microsoft.Compute/disks/{name}"),
    "blob": ("Storage", "Storage", "Object Storage", "Storage Account", ("GB-Hours", "1 GB/Month", 1 / 730),
             "Hot LRS Data Stored", _AZ + "Microsoft.Storage/storageAccounts/{name}"),
    "bw": ("Bandwidth", "Networking", "Network Connectivity", None, ("GB", "1 GB", 1.0), "Data Transfer Out", ""),
    "app": ("Azure App Service", "Web", "Application Platforms", "App Service Plan", ("Hours", "1 Hour", 1.0),
            "P1 v3 App", _AZ + "Microsoft.Web/serverfarms/{name}"),
    "sqldb": ("SQL Database", "Databases", "Relational Databases", "SQL Database", ("Hours", "1 Hour", 1.0),
              "vCore", _AZ + "Microsoft.Sql/servers/sql-anum-prod/databases/{name}"),
    "aml": ("Azure Machine Learning", "AI and Machine Learning", "Machine Learning", "Compute Cluster",
            ("Hours", "1 Hour", 1.0), "NC6s v3",
            _AZ + "Microsoft.MachineLearningServices/workspaces/mlw-anum-data/computes/{name}"),
    "aoai": ("Azure OpenAI", "AI and Machine Learning", "Generative AI", "Cognitive Services Account",
             ("Tokens", "1K Tokens", 1e-3), "Input Tokens", _AZ + "Microsoft.CognitiveServices/accounts/{name}"),
    "loga": ("Log Analytics", "Management and Governance", "Observability", "Log Analytics Workspace",
             ("GB", "1 GB", 1.0), "Data Ingestion", _AZ + "Microsoft.OperationalInsights/workspaces/{name}"),
    "ovm": ("Public Cloud Instance", "Compute", "Virtual Machines", "Virtual Machine", ("Hours", "Hours", 1.0),
            "Instance Hours", "{uuid}"),
    "okube": ("Managed Kubernetes Service", "Compute", "Containers", "Kubernetes Node", ("Hours", "Hours", 1.0),
              "Node Hours", "{uuid}"),
    "oobj": ("Object Storage", "Storage", "Object Storage", "Bucket", _GBH, "Storage",
             "{acct}/storage/{region}/{name}"),
    "ovol": ("Block Storage", "Storage", "Block Storage", "Volume", _GBH, "Storage", "{uuid}"),
    "olb": ("Load Balancer", "Networking", "Network Infrastructure", "Load Balancer", ("Hours", "Hours", 1.0),
            "Load Balancer Hours", "{uuid}"),
    "opg": ("Managed Databases for PostgreSQL", "Databases", "Relational Databases", "Database Cluster",
            ("Hours", "Hours", 1.0), "Node Hours", "{uuid}"),
    "oai": ("AI Training", "AI and Machine Learning", "Machine Learning", "Training Job", ("Hours", "Hours", 1.0),
            "GPU Hours", "{uuid}"),
    "oip": ("Floating IP", "Networking", "Network Infrastructure", "IP Address", ("Hours", "Hours", 1.0),
            "IP Hours", "{acct}/floatingip/{uuid}"),
    "svm": ("Instances", "Compute", "Virtual Machines", "Virtual Machine", ("Hours", "Hours", 1.0),
            "Instance Hours", "{az}/{uuid}"),
    "skube": ("Kubernetes Kapsule", "Compute", "Containers", "Kubernetes Node", ("Hours", "Hours", 1.0),
              "Node Hours", "{az}/{uuid}"),
    "sdb": ("Managed Database for PostgreSQL", "Databases", "Relational Databases", "Database Instance",
            ("Hours", "Hours", 1.0), "Node Hours", "{region}/{uuid}"),
    "sobj": ("Object Storage", "Storage", "Object Storage", "Bucket", _GBH, "Storage", "{region}/{name}"),
    "sgen": ("Generative APIs", "AI and Machine Learning", "Generative AI", "Model", ("Tokens", "1M Tokens", 1e-6),
             "Tokens", "{region}/{uuid}"),
    "sfaas": ("Serverless Containers", "Compute", "Serverless Compute", "Container",
              ("GB-Seconds", "100K GB-Seconds", 1e-5), "Memory Duration", "{region}/{uuid}"),
}.items()}


def tags(team: str | None, project: str | None, env: str | None, cc: str | None = None,
         owner: str | None = None, data_class: str | None = None, *, team_key: str = "team",
         env_key: str = "env") -> str:
    """A Tags JSON object, keys in a fixed order; ``team_key``/``env_key`` plant spelling variants."""
    pairs = [(team_key, team), ("project", project), (env_key, env), ("cost-center", cc),
             ("owner", f"{owner}@{DOMAIN}" if owner else None), ("data-class", data_class)]
    return json.dumps({k: v for k, v in pairs if v is not None}, separators=(",", ":"), ensure_ascii=False)


WEB = ("web", "boutique", "prod", "CC-110", "camille.bernard")
SANTE = ("web", "rdv-sante", "prod", "CC-120", "nadia.lefevre")
DATA = ("data", "data-platform", "prod", "CC-200", "mehdi.haddad")
PLAT = ("platform", "socle", "prod", "CC-300", "julie.rousseau")
SUPPORT = ("support", "support-desk", "prod", "CC-400", "thomas.petit")


@dataclass(frozen=True, slots=True)
class Item:
    """A line item billed once a day for each of ``count`` resources."""

    key: str  # stable short id, also seeds the resource ids
    kind: str
    account: str  # key of SUB_ACCOUNTS
    name: str  # ResourceName stem ("-01", "-02"… appended when count > 1)
    sku: str
    region: str | None
    price: float  # ListUnitPrice per PricingUnit
    qty: float  # ConsumedQuantity per day (before pattern, growth and noise)
    pattern: str  # flat | ri | office | nodes | storage | usage | gpu
    tags: str | None  # JSON object, "{}" or None
    count: int = 1
    planted: bool = False  # a scenario: always generated, even at the smallest size
    commit: str | None = None  # key of COMMITMENTS covering it
    desc: str = ""
    az: str | None = None


H = 24.0  # hours in a day
ITEMS: Final[tuple[Item, ...]] = (
    # --- AWS: e-commerce (boutique) and the health-appointment SaaS (rdv-sante) in Paris ---
    Item("shop-web", "ec2", "shop", "shop-web", "m6i.xlarge", "eu-west-3", 0.224, H, "flat",
         tags(*WEB, "personal"), 6, True, "sp", "m6i.xlarge Linux on-demand instance hour", "eu-west-3a"),
    Item("shop-eks", "ec2", "shop", "eks-shop-node", "m6i.2xlarge", "eu-west-3", 0.448, H, "nodes",
         tags("platform", "boutique", "prod", "CC-300", "julie.rousseau"), 10, False, None,
         "m6i.2xlarge Linux on-demand instance hour", "eu-west-3b"),
    Item("rdv-app", "ec2", "sante", "rdv-app", "m6i.large", "eu-west-3", 0.112, H, "flat",
         tags(*SANTE, "health"), 3, True, "sp", "m6i.large Linux on-demand instance hour", "eu-west-3a"),
    Item("rdv-db", "rds", "sante", "rdv-patients-db", "db.r6g.xlarge Multi-AZ", "eu-west-3", 0.98, H, "flat",
         tags(*SANTE, "health"), 1, True, None, "RDS for PostgreSQL db.r6g.xlarge Multi-AZ instance hour"),
    Item("rdv-docs", "s3", "sante", "anum-rdvsante-documents", "Standard", "eu-west-3", 0.024, 4000 * H,
         "storage", tags(*SANTE, "health"), 1, True, None, "S3 Standard storage, patient documents"),
    Item("rdv-ebs", "ebs", "sante", "rdv-app-data", "gp3", "eu-west-3", 0.0928, 100 * H, "flat",
         tags(*SANTE, "health"), 3, False, None, "EBS gp3 volume attached to rdv-app"),
    Item("batch", "ec2", "data", "batch-worker", "c6i.2xlarge", "eu-west-3", 0.396, H, "ri",
         tags(*DATA, "internal"), 4, True, "ri", "c6i.2xlarge Linux instance hour", "eu-west-3c"),
    Item("pipeline", "ec2", "data", "data-pipeline", "r6i.xlarge", "eu-central-1", 0.304, H, "flat",
         tags(*DATA, "internal"), 3, False, "sp", "r6i.xlarge Linux on-demand instance hour", "eu-central-1a"),
    Item("dev-vm", "ec2", "sandbox", "dev", "t3.medium", "eu-west-3", 0.0528, H, "office",
         tags("web", "boutique", "dev", "CC-110", None), 8, False, None, "t3.medium dev box, stopped at night"),
    Item("forgotten-vm", "ec2", "data", "poc-migration-2024", "m5.2xlarge", "eu-central-1", 0.46, H, "flat",
         tags(None, "migration-poc", "staging"), 1, True, None,
         "m5.2xlarge on-demand instance hour - proof-of-concept server left running, no owner", "eu-central-1b"),
    Item("ebs", "ebs", "shop", "shop-data", "gp3", "eu-west-3", 0.0928, 250 * H, "storage", tags(*WEB), 14),
    Item("shop-db", "rds", "shop", "shop-orders-db", "db.r6g.2xlarge Multi-AZ", "eu-west-3", 1.96, H, "flat",
         tags(*WEB, "personal"), 1, False, None, "RDS for PostgreSQL db.r6g.2xlarge Multi-AZ instance hour"),
    Item("shop-db-ro", "rds", "shop", "shop-orders-replica", "db.r6g.2xlarge", "eu-west-3", 0.98, H, "flat",
         tags(*WEB, "personal"), 1, False, None, "RDS for PostgreSQL db.r6g.2xlarge read replica instance hour"),
    Item("shop-media", "s3", "shop", "anum-shop-media", "Standard", "eu-west-3", 0.024, 18000 * H, "storage",
         tags(*WEB, "public"), 1, False, None, "S3 Standard storage, product images"),
    Item("shop-cdn", "cdn", "shop", "shop-cdn", "DataTransfer-Out-EU", None, 0.085, 1400.0, "usage",
         tags(*WEB, "public"), 1, False, None, "CloudFront data transfer out, Europe"),
    Item("aws-dt", "dt", "shop", "", "DataTransfer-Out-Bytes", "eu-west-3", 0.09, 260.0, "usage", None, 1,
         False, None, "Data transfer out from Europe (Paris) to Internet"),
    Item("nat", "nat", "shop", "nat-shop", "NatGateway-Hours", "eu-west-3", 0.048, H, "flat", tags(*PLAT), 2),
    Item("nat-gb", "natgb", "shop", "", "NatGateway-Bytes", "eu-west-3", 0.048, 320.0, "usage", "{}", 1, False,
         None, "NAT Gateway data processed"),
    Item("cache", "cache", "shop", "shop-sessions", "cache.r6g.large", "eu-west-3", 0.247, H, "flat",
         tags(*WEB, "personal"), 1),
    Item("eks", "eks", "shop", "eks-shop", "AmazonEKS-Hours:perCluster", "eu-west-3", 0.10, H, "flat",
         tags(*PLAT), 2),
    Item("logs", "logs", "shop", "aws/eks/eks-shop", "DataProcessing-Bytes", "eu-west-3", 0.53, 42.0, "usage",
         tags(*PLAT), 1),
    Item("lambda", "lambda", "shop", "shop-image-resize", "Lambda-GB-Second", "eu-west-3", 0.0000166667,
         160000.0, "usage", tags(*WEB, "public"), 1),
    Item("bedrock", "bedrock", "shop", "support-assistant", "mistral-large-input-tokens", "eu-west-3", 0.004,
         4e6, "usage", tags(*SUPPORT, "personal"), 1),
    Item("search", "search", "data", "catalog-search", "r6g.large.search", "eu-central-1", 0.167, H, "flat",
         tags(*DATA, "public"), 2),
    Item("crm-bucket", "s3", "data", "anum-crm-exports-us", "Standard", "us-east-1", 0.023, 800 * H, "storage",
         tags("data", "crm-analytics", "prod", "CC-200", "mehdi.haddad", "personal"), 1, True, None,
         "S3 Standard storage, customer CRM exports (names, e-mails, orders)"),
    Item("crm-sync", "ec2", "data", "crm-sync-worker", "t3.medium", "us-east-1", 0.0416, H, "flat",
         tags("data", "crm-analytics", "prod", "CC-200", "mehdi.haddad", "personal"), 1, False, None,
         "t3.medium Linux on-demand instance hour", "us-east-1a"),
    # --- Azure: storefront front-end, SQL, data science ---
    Item("aks", "aks", "az-shop", "aks-shop-node", "Standard_D4s_v5", "francecentral", 0.212, H, "nodes",
         tags(*PLAT), 14, False, None, "D4s v5 node of AKS cluster aks-shop", "1"),
    Item("app", "app", "az-shop", "asp-shop-front", "P1 v3", "francecentral", 0.2196, H, "flat", tags(*WEB), 4),
    Item("sqldb", "sqldb", "az-shop", "sqldb-shop-catalog", "GP_Gen5_4", "francecentral", 0.9244, H, "flat",
         tags(*WEB, "internal"), 3),
    Item("blob", "blob", "az-data", "stanumdatalake", "Hot LRS", "westeurope", 0.0184, 30000 * H, "storage",
         tags(*DATA, "internal"), 1),
    Item("az-bw", "bw", "az-shop", "", "Standard Data Transfer Out", "westeurope", 0.0807, 640.0, "usage", None,
         1, False, None, "Data transfer out, zone 1"),
    Item("aml-gpu", "aml", "az-data", "gpu-train-cluster", "Standard_NC6s_v3", "westeurope", 3.3, 8.0, "gpu",
         tags(*DATA, "internal"), 1, True, None, "NC6s v3 GPU node hour (1 x V100) for model training"),
    Item("aoai", "aoai", "az-shop", "oai-anum-support", "gpt-4o-input-global", "francecentral", 0.0025, 2e6,
         "usage", tags(*SUPPORT, "personal"), 1),
    Item("loga", "loga", "az-shop", "log-anum-prod", "Analytics Logs Data Ingestion", "francecentral", 2.6, 9.0,
         "usage", tags("platform", "socle", "prod", "CC-300", "julie.rousseau", env_key="environment"), 1),
    Item("az-dev", "azvm", "az-dev", "vm-dev", "Standard_B2s", "francecentral", 0.0456, H, "office",
         tags("data", "data-platform", "dev", "CC-200", None, team_key="Team", env_key="environment"), 4),
    Item("az-disk", "azdisk", "az-dev", "vm-recette-01_OsDisk_1_5c2e9a", "P30 LRS", "francecentral", 135.17, H,
         "flat", tags("web", "boutique", "staging", "CC-110", None), 1, True, None,
         "Premium SSD P30 (1 TiB) managed disk, unattached since vm-recette-01 was deleted; billed every day"),
    # --- OVHcloud: back office, backups, support tooling ---
    Item("ovh-vm", "ovm", "ovh-prod", "backoffice", "b3-32", "eu-west-gra", 0.2042, H, "flat",
         tags("platform", "backoffice", "prod", "CC-300", "julie.rousseau", "internal", env_key="environment"), 8),
    Item("ovh-kube", "okube", "ovh-prod", "mks-prod-node", "b3-16", "eu-west-sbg", 0.1018, H, "nodes",
         tags("platform", "socle", "prod", "CC-300", "julie.rousseau", env_key="environment"), 8),
    Item("ovh-backup", "oobj", "ovh-backup", "anum-backups", "Standard", "eu-west-gra", 0.007, 65000 * H,
         "storage", tags("platform", "backup", "prod", "CC-300", "julie.rousseau", "internal"), 1),
    Item("ovh-archive", "oobj", "ovh-backup", "anum-archive", "Cold Archive", "eu-west-rbx", 0.002, 190000 * H,
         "storage", None, 1, False, None, "Cold Archive storage (tape)"),
    Item("ovh-vol", "ovol", "ovh-prod", "backoffice-data", "high-speed", "eu-west-gra", 0.08, 500 * H, "flat",
         None, 10, False, None, "High-speed block storage volume"),
    Item("ovh-lb", "olb", "ovh-prod", "lb-backoffice", "loadbalancer-m", "eu-west-gra", 0.0301, H, "flat",
         tags("platform", "backoffice", "prod", "CC-300", None, env_key="environment"), 2),
    Item("ovh-pg", "opg", "ovh-prod", "pg-backoffice", "db1-15 business", "eu-west-gra", 0.364, H, "flat",
         tags("platform", "backoffice", "prod", "CC-300", "julie.rousseau", "internal"), 1),
    Item("ovh-helpdesk", "ovm", "ovh-support", "helpdesk", "b3-8", "eu-west-rbx", 0.0516, H, "flat",
         tags(*SUPPORT, "personal"), 2),
    Item("ovh-ai", "oai", "ovh-prod", "forecast-training", "ai1-l4-gpu", "eu-west-gra", 0.75, 10.0, "usage",
         tags(*DATA, "internal"), 1),
    Item("ovh-ip", "oip", "ovh-prod", "fip-51.210.14.87", "floatingip", "eu-west-gra", 0.0025, H, "flat",
         tags("platform", "backoffice", "prod", "CC-300", None), 1, True, None,
         "Floating IP 51.210.14.87 reserved but not attached to any instance; billed every hour"),
    # --- Scaleway: AI lab, staging, serverless ---
    Item("scw-vm", "svm", "scw-default", "api-partners", "PRO2-S", "fr-par", 0.219, H, "flat",
         tags("web", "boutique", "prod", "CC-110", "camille.bernard"), 6, False, None, "", "fr-par-1"),
    Item("scw-kube", "skube", "scw-staging", "kapsule-staging-node", "POP2-4C-16G", "fr-par", 0.1473, H, "nodes",
         tags("platform", "socle", "staging", "CC-300", "julie.rousseau"), 4, False, None, "", "fr-par-2"),
    Item("scw-db", "sdb", "scw-default", "pg-partners", "DB-PRO2-XS", "fr-par", 0.30, H, "flat",
         tags("web", "boutique", "prod", "CC-110", "camille.bernard", "personal"), 1),
    Item("scw-obj", "sobj", "scw-default", "anum-exports", "Standard", "fr-par", 0.0146, 8000 * H, "storage",
         tags(*DATA, "internal"), 1),
    Item("scw-glacier", "sobj", "scw-default", "anum-glacier", "Glacier", "nl-ams", 0.00254, 40000 * H,
         "storage", tags("platform", "backup", "prod", "CC-300", None, "internal"), 1),
    Item("scw-gen", "sgen", "scw-ai", "genapi-llama-3.3-70b", "llama-3.3-70b-instruct", "fr-par", 0.90, 12e6,
         "usage", tags(*SUPPORT, "internal"), 1, True, None, "Generative APIs, llama-3.3-70b-instruct tokens"),
    Item("scw-faas", "sfaas", "scw-ai", "webhook-relay", "serverless-container", "fr-par", 0.10, 2.6e6, "usage",
         tags("data", "data-platform", "prod", "CC-200", "mehdi.haddad"), 1),
    Item("scw-dev", "svm", "scw-staging", "sandbox", "DEV1-M", "fr-par", 0.0198, H, "office", "{}", 6, False,
         None, "", "fr-par-1"),
)


@dataclass(frozen=True, slots=True)
class Commitment:
    key: str
    id: str
    name: str
    type: str
    category: str  # Spend | Usage
    rate: float  # EffectiveCost / ContractedCost of the usage it covers (amortised price)
    account: str
    region: str | None
    service: str
    sku: str
    desc: str
    tags: str | None = tags("platform", "socle", "prod", "CC-300", "julie.rousseau")  # AWS lets you tag them


COMMITMENTS: Final[dict[str, Commitment]] = {c.key: c for c in (
    Commitment("sp", "arn:aws:savingsplans::731902846155:savingsplan/2c9d5e7a-41b3-4f68-9a0e-6b1d8c3f5e92",
               "sp-compute-1y-noupfront", "Compute Savings Plan", "Spend", 0.72, "shop", None,
               "Savings Plans for AWS Compute usage", "ComputeSP:1yrNoUpfront",
               "Compute Savings Plan, 1 year, No Upfront"),
    Commitment("ri", "arn:aws:ec2:eu-west-3:604185273948:reserved-instances/7f3e2a91-5c4d-4b8e-a2f1-9d6c3b8e0a47",
               "ri-c6i-2xlarge-batch", "Reserved Instance", "Usage", 0.62, "data", "eu-west-3",
               "Amazon Elastic Compute Cloud", "c6i.2xlarge", "Standard Reserved Instances c6i.2xlarge, 1 year, "
               "No Upfront"),
)}

# One-off Credit rows: (provider, sub account, month index, amount, description)
CREDITS: Final[tuple[tuple[str, str, int, float, str], ...]] = (
    ("aws", "sante", 2, 150.0, "Service credit - Amazon RDS SLA"),
    ("ovhcloud", "ovh-prod", 0, 200.0, "Startup Program voucher"),
    ("scaleway", "scw-ai", 0, 300.0, "Startup credit"),
    ("scaleway", "scw-ai", 1, 300.0, "Startup credit"),
    ("scaleway", "scw-ai", 2, 300.0, "Startup credit"),
)
