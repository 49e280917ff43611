"""Data categories, legal references and policy packs (plain data, no I/O).

Every sovereignty rule says what kind of obligation it encodes:

- ``law``: a binding text (GDPR, the French public health code, the HDS referential made binding by decree);
- ``official-guidance``: what an authority recommends (CNIL, EDPB, ANSSI) without making it binding on everyone;
- ``policy-choice``: what a company decides for itself (EU-only hosting, SecNumCloud for chosen workloads,
  treating payment or identity data as sensitive). Balise never presents a policy choice as the law.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from balise.i18n import Msg

LAW, GUIDANCE, POLICY = "law", "official-guidance", "policy-choice"
KINDS = (LAW, GUIDANCE, POLICY)

# --- data categories ------------------------------------------------------------------------------------------
CATEGORIES: dict[str, Msg] = {
    "personal": Msg("personal data", "données personnelles"),
    "health": Msg("health data", "données de santé"),
    "minors": Msg("data about minors", "données de mineurs"),
    "criminal": Msg("criminal-offence data", "données d'infractions pénales"),
    "payment": Msg("payment data", "données de paiement"),
    "identity": Msg("identity data", "données d'identité"),
    "trade-secret": Msg("trade secrets", "secrets d'affaires"),
    "internal": Msg("internal business data (not personal)", "données internes (non personnelles)"),
    "public": Msg("public data", "données publiques"),
}


SHORT: dict[str, Msg] = {  # for tables
    "personal": Msg("personal", "personnelles"), "health": Msg("health", "santé"), "minors": Msg("minors", "mineurs"),
    "criminal": Msg("criminal offences", "infractions"), "payment": Msg("payment", "paiement"),
    "identity": Msg("identity", "identité"), "trade-secret": Msg("trade secrets", "secrets d'affaires"),
    "internal": Msg("internal", "internes"), "public": Msg("public", "publiques"),
}


def categories_text(categories: Iterable[str], short: bool = False) -> Msg:
    """The categories' names in both languages, comma-separated (unknown keys as they are)."""
    cats = list(categories)
    names = SHORT if short else CATEGORIES
    return Msg(", ".join(names[c].en if c in names else c for c in cats),
               ", ".join(names[c].fr if c in names else c for c in cats))


# Categories that are personal data (GDPR applies): every category about a person.
PERSONAL = frozenset({"personal", "health", "minors", "criminal", "payment", "identity"})
# Named by the CNIL (2024-07-19) as the most sensitive processing: a provider exclusively subject to EU law.
CNIL_SENSITIVE = frozenset({"health", "minors", "criminal"})
# A tenant may add these to the sensitive ones by its own policy (no CNIL text names them).
OPTIONAL_SENSITIVE = frozenset({"payment", "identity", "trade-secret"})


# --- legal references -----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class LegalRef:
    id: str
    kind: str  # law | official-guidance | policy-choice
    text: Msg
    url: str

    def describe(self, lang: str = "en") -> dict[str, str]:
        return {"id": self.id, "kind": self.kind, "text": self.text.render(lang),  # type: ignore[arg-type]
                "text_fr": self.text.fr, "text_en": self.text.en, "url": self.url}


REFS: dict[str, LegalRef] = {r.id: r for r in (
    LegalRef("GDPR-44-49", LAW, Msg(
        "GDPR (Regulation (EU) 2016/679), Chapter V, Art. 44-49: transfers of personal data outside the EEA need "
        "an adequacy decision (Art. 45) or appropriate safeguards (Art. 46)",
        "RGPD (règlement (UE) 2016/679), chapitre V, art. 44 à 49 : un transfert de données personnelles hors de "
        "l'EEE exige une décision d'adéquation (art. 45) ou des garanties appropriées (art. 46)"),
        "https://eur-lex.europa.eu/eli/reg/2016/679/oj"),
    LegalRef("DPF-2023", LAW, Msg(
        "Commission Implementing Decision (EU) 2023/1795 of 10 July 2023 (EU-US Data Privacy Framework): adequacy "
        "only for US organisations certified under the DPF",
        "Décision d'exécution (UE) 2023/1795 de la Commission du 10 juillet 2023 (cadre de protection des données "
        "UE-États-Unis) : adéquation seulement pour les organisations américaines certifiées"),
        "https://eur-lex.europa.eu/eli/dec_impl/2023/1795/oj"),
    LegalRef("US-CLOUD-ACT", LAW, Msg(
        "US CLOUD Act (18 U.S.C. 2713) and FISA section 702 (50 U.S.C. 1881a): US authorities can compel a US "
        "provider or its parent to hand over data wherever it is stored",
        "CLOUD Act américain (18 U.S.C. 2713) et section 702 du FISA (50 U.S.C. 1881a) : les autorités "
        "américaines peuvent exiger d'un fournisseur américain ou de sa maison mère les données où qu'elles soient"),
        "https://www.law.cornell.edu/uscode/text/18/2713"),
    LegalRef("EDPB-01-2020", GUIDANCE, Msg(
        "EDPB Recommendations 01/2020 on supplementary measures for transfers (after CJEU C-311/18 Schrems II)",
        "Recommandations 01/2020 du CEPD sur les mesures supplémentaires aux transferts (après l'arrêt "
        "C-311/18 Schrems II de la CJUE)"),
        "https://www.edpb.europa.eu/our-work-tools/our-documents/recommendations/recommendations-012020"),
    LegalRef("CSP-L1111-8", LAW, Msg(
        "French public health code, Art. L.1111-8: hosting personal health data for a third party requires an "
        "HDS-certified host",
        "Code de la santé publique, art. L.1111-8 : héberger des données de santé à caractère personnel pour le "
        "compte d'un tiers exige un hébergeur certifié HDS"),
        "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000044628532"),
    LegalRef("HDS-V2-2024", LAW, Msg(
        "HDS certification referential v2 (arrêté of 26 April 2024): health data stored exclusively in the EEA; "
        "the host discloses its exposure to non-EU law; v1 certificates had to move to v2 by 2026-05-16",
        "Référentiel de certification HDS v2 (arrêté du 26 avril 2024) : données de santé stockées exclusivement "
        "dans l'EEE ; l'hébergeur déclare son exposition aux lois extra-européennes ; passage des certificats v1 "
        "à la v2 avant le 16 mai 2026"),
        "https://esante.gouv.fr/produits-services/hds"),
    LegalRef("CNIL-2024-07-19", GUIDANCE, Msg(
        "CNIL statement of 19 July 2024 on the EUCS: for the most sensitive processing (large health databases, "
        "criminal-offence data, data about minors) a provider exclusively subject to EU law, such as a "
        "SecNumCloud-qualified service",
        "Communiqué de la CNIL du 19 juillet 2024 sur l'EUCS : pour les traitements les plus sensibles (grandes "
        "bases de santé, infractions pénales, mineurs) un prestataire soumis exclusivement au droit européen, "
        "par exemple un service qualifié SecNumCloud"),
        "https://www.cnil.fr/fr/eucs-la-cnil-sinquiete-de-labandon-des-criteres-de-protection-contre-les-acces-extra-europeens"),
    LegalRef("SNC-3.2", GUIDANCE, Msg(
        "ANSSI SecNumCloud 3.2 referential (in force since 2022-03-08), granted per service: section 19.6 immunity "
        "from non-EU law, sections 19.2-19.3 data stored and administered in the EU; a qualification lasts 3 years",
        "Référentiel SecNumCloud 3.2 de l'ANSSI (en vigueur depuis le 8 mars 2022), accordé par service : "
        "section 19.6 immunité aux lois extra-européennes, sections 19.2-19.3 données stockées et administrées "
        "dans l'UE ; une qualification vaut 3 ans"),
        "https://cyber.gouv.fr/secnumcloud-pour-les-fournisseurs-de-services-cloud"),
    LegalRef("GDPR-30", LAW, Msg(
        "GDPR Art. 30 (record of processing: categories of data and transfers) and Art. 5(2) (accountability): "
        "you must know which personal data each system holds; the tag or workloads file is Balise's way of "
        "recording it (a policy choice)",
        "RGPD art. 30 (registre des traitements : catégories de données et transferts) et art. 5(2) "
        "(responsabilité) : il faut savoir quelles données personnelles chaque système contient ; l'étiquette "
        "ou le fichier de charges de travail est la façon de Balise de le consigner (un choix de politique)"),
        "https://eur-lex.europa.eu/eli/reg/2016/679/oj"),
    LegalRef("POLICY-EU-ONLY", POLICY, Msg(
        "Company policy: nothing hosted outside EU regions (no law requires it for non-sensitive data)",
        "Politique de l'entreprise : rien d'hébergé hors des régions de l'UE (aucune loi ne l'exige pour des "
        "données non sensibles)"), ""),
    LegalRef("POLICY-SNC", POLICY, Msg(
        "Company policy: the chosen workloads run on SecNumCloud-qualified services (binding only on the French "
        "State's own sensitive systems, not on a private company)",
        "Politique de l'entreprise : les charges de travail choisies tournent sur des services qualifiés "
        "SecNumCloud (obligatoire seulement pour les systèmes sensibles de l'État, pas pour une entreprise privée)"),
        ""),
    LegalRef("POLICY-SENSITIVE", POLICY, Msg(
        "Company policy: these categories are treated as sensitive (no CNIL text names payment or identity data; "
        "PCI DSS governs card data, not its hosting country)",
        "Politique de l'entreprise : ces catégories sont traitées comme sensibles (aucun texte de la CNIL ne nomme "
        "les données de paiement ou d'identité ; PCI DSS encadre les données de carte, pas leur pays d'hébergement)"),
        ""),
)}


# --- policy packs ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Pack:
    key: str
    kind: str
    title: Msg
    rules: tuple[str, ...]  # rule codes
    references: tuple[str, ...]


PACKS: dict[str, Pack] = {p.key: p for p in (
    Pack("gdpr-baseline", LAW, Msg("GDPR baseline: personal data in the EEA or an adequate country; US-law "
                                   "exposure stated; data classified",
                                   "Socle RGPD : données personnelles dans l'EEE ou un pays adéquat ; exposition "
                                   "au droit américain signalée ; données classées"),
         ("SOV-001", "SOV-002", "SOV-008"), ("GDPR-44-49", "DPF-2023", "US-CLOUD-ACT", "EDPB-01-2020", "GDPR-30")),
    Pack("hds", LAW, Msg("HDS: health data on an HDS-certified service, stored in the EEA",
                         "HDS : données de santé sur un service certifié HDS, stockées dans l'EEE"),
         ("SOV-003", "SOV-004"), ("CSP-L1111-8", "HDS-V2-2024")),
    Pack("cnil-sensitive", GUIDANCE, Msg("CNIL sensitive processing: a provider exclusively subject to EU law",
                                         "Traitements sensibles (CNIL) : un prestataire soumis exclusivement au "
                                         "droit européen"),
         ("SOV-005",), ("CNIL-2024-07-19", "SNC-3.2")),
    Pack("secnumcloud", POLICY, Msg("SecNumCloud: the chosen workloads on SecNumCloud-qualified services",
                                    "SecNumCloud : les charges de travail choisies sur des services qualifiés "
                                    "SecNumCloud"),
         ("SOV-006",), ("SNC-3.2", "POLICY-SNC")),
    Pack("eu-only", POLICY, Msg("EU only: nothing outside EU regions", "UE seulement : rien hors des régions de l'UE"),
         ("SOV-007",), ("POLICY-EU-ONLY",)),
)}
DEFAULT_PACKS = ("gdpr-baseline", "hds", "cnil-sensitive")  # law and official guidance; the others are opt-in
