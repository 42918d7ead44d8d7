"""Demo content of the registry: data only, no writes (``clusterhub.demo.loader`` loads it).

The organisations, places, people and roles are real, taken from public sources about European
cluster events (CLUSTERPLAST, Lyon 2010; Clusters meet Regions, Lyon 2023; the France Clusters
general assembly 2016; the Régions de France consultation on competitiveness clusters). Every
description is our own short summary.

ILLUSTRATIVE, NOT REAL: member counts, management staff (FTE), contact addresses, memberships,
the validity dates of labels and the ECEI Bronze and Silver labels. They make the demo look like
a working directory; do not quote them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from clusterhub.registry.models import LabelLevel, LabelScheme, OrganisationKind

CLUSTER = OrganisationKind.CLUSTER
COMPANY = OrganisationKind.COMPANY
RESEARCH = OrganisationKind.RESEARCH
HIGHER_EDUCATION = OrganisationKind.HIGHER_EDUCATION
PUBLIC = OrganisationKind.PUBLIC_AUTHORITY
OTHER = OrganisationKind.OTHER


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    legal_name: str
    kind: str
    country: str
    description: str
    short_name: str = ""
    city: str = ""
    latitude: float | None = None
    longitude: float | None = None
    # Only when the coarse 1:60M outlines would place the point in the wrong region.
    nuts_region: str | None = None
    website: str = ""
    is_sme: bool = False
    pic: str | None = None  # as in the CORDIS sample, so that its projects join this record
    ecosystems: tuple[str, ...] = ()
    technologies: tuple[str, ...] = ()
    nace: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoLabel:
    scheme: str
    level: str
    awarded_by: str
    valid_from: date | None
    valid_until: date | None


@dataclass(frozen=True)
class DemoProfile:
    organisation: str  # slug
    founding_year: int | None
    companies: int
    smes: int
    research: int
    universities: int
    public: int
    other: int
    management_fte: Decimal
    languages: str
    support_programmes: str = ""
    labels: tuple[DemoLabel, ...] = ()


@dataclass(frozen=True)
class DemoPerson:
    first_name: str
    last_name: str
    role: str
    organisation: str | None  # slug
    public_consent: bool  # speakers at public events; False shows that consent is respected


@dataclass(frozen=True)
class DemoMembership:
    cluster: str  # slug of a cluster with a profile
    member: str  # slug of a demo organisation, or "pic:<PIC>" of an organisation from CORDIS
    since: int | None


def _pole(valid_from: date | None, valid_until: date | None, phase: str) -> DemoLabel:
    return DemoLabel(
        LabelScheme.POLE, LabelLevel.LABELLED, f"French State ({phase})", valid_from, valid_until
    )


POLE_PHASE_5 = _pole(date(2023, 1, 1), date(2026, 12, 31), "phase 5")
POLE_PHASE_4 = _pole(date(2019, 1, 1), date(2022, 12, 31), "phase 4")
POLE_HISTORIC = _pole(date(2005, 7, 12), date(2020, 12, 31), "phases 1 to 4")
ESCA = "European Secretariat for Cluster Analysis (ESCA)"


ORGANISATIONS: tuple[DemoOrganisation, ...] = (
    # Polymer clusters of Auvergne-Rhône-Alpes and their history ------------------------------
    DemoOrganisation(
        slug="polymeris",
        legal_name="Polymeris",
        kind=CLUSTER,
        country="FR",
        city="Charbonnières-les-Bains",
        latitude=45.7797,
        longitude=4.7464,
        website="https://www.polymeris.fr",
        description=(
            "French pôle de compétitivité for rubber, plastics and composites, formed in 2021 "
            "when Plastipolis and Elastopole merged. Head office near Lyon, with further sites "
            "in Bellignat (Oyonnax) and Orléans. Its two cross-cutting themes are the circular "
            "economy and the industry of the future. Co-organiser of Clusters meet Regions in "
            "Lyon, October 2023."
        ),
        ecosystems=("energy-intensive", "mobility-transport-automotive", "health"),
        technologies=("advanced-materials", "advanced-manufacturing", "additive-manufacturing"),
        nace=("22", "20"),
    ),
    DemoOrganisation(
        slug="plastipolis",
        legal_name="Plastipolis",
        kind=CLUSTER,
        country="FR",
        city="Oyonnax",
        latitude=46.2570,
        longitude=5.6550,
        website="https://www.plastipolis.fr",
        description=(
            "Former pôle de compétitivité for plastics processing and composites, based in "
            "Oyonnax (Ain), labelled in 2005. Merged with Elastopole into Polymeris in 2021. "
            "Partner of the CLUSTERPLAST project (2009–2010); its forum followed the project's "
            "closing event near Lyon in June 2010."
        ),
        ecosystems=("energy-intensive", "mobility-transport-automotive"),
        technologies=("advanced-materials", "advanced-manufacturing"),
        nace=("22",),
    ),
    DemoOrganisation(
        slug="elastopole",
        legal_name="Elastopole",
        kind=CLUSTER,
        country="FR",
        city="Orléans",
        latitude=47.9030,
        longitude=1.9093,
        description=(
            "Former pôle de compétitivité for the rubber industry, based in Orléans. "
            "Merged with Plastipolis into Polymeris in 2021."
        ),
        ecosystems=("energy-intensive", "mobility-transport-automotive"),
        technologies=("advanced-materials",),
        nace=("22",),
    ),
    DemoOrganisation(
        slug="cimes",
        legal_name="CIMES – Creating Integrated MEchanical Systems",
        short_name="CIMES",
        kind=CLUSTER,
        country="FR",
        city="Clermont-Ferrand",
        latitude=45.7772,
        longitude=3.0870,
        website="https://www.cimes-hub.com",
        description=(
            "Pôle de compétitivité of Auvergne-Rhône-Alpes for mechanical engineering, "
            "production systems and robotics; it continues the ViaMéca pôle, labelled since "
            "2005. Leads an interregional cluster partnership with Aichi Prefecture (Japan) and "
            "co-organised Clusters meet Regions in Lyon, October 2023."
        ),
        ecosystems=("mobility-transport-automotive", "aerospace-defence", "energy-intensive"),
        technologies=("advanced-manufacturing", "robotics", "advanced-materials"),
        nace=("28", "25", "33"),
    ),
    DemoOrganisation(
        slug="techtera",
        legal_name="Techtera",
        kind=CLUSTER,
        country="FR",
        city="Écully",
        latitude=45.7745,
        longitude=4.7770,
        website="https://www.techtera.org",
        description=(
            "Pôle de compétitivité for technical textiles and flexible materials, based in "
            "Écully near Lyon; labelled by the French State in July 2005. Co-organiser of "
            "Clusters meet Regions in Lyon, October 2023."
        ),
        ecosystems=("textiles", "health", "mobility-transport-automotive"),
        technologies=("advanced-materials", "advanced-manufacturing"),
        nace=("13", "14"),
    ),
    DemoOrganisation(
        slug="allize-plasturgie",
        legal_name="Allizé-Plasturgie",
        kind=OTHER,
        country="FR",
        city="Lyon",
        latitude=45.7340,
        longitude=4.8700,
        website="https://www.allize-plasturgie.org",
        description=(
            "Employers' association of the plastics and composites processing industry, with "
            "its head office in Lyon; part of the French plastics federation. Held its annual "
            "meeting during the Rhône-Alpes plastics week of 2010."
        ),
        ecosystems=("energy-intensive",),
        nace=("94", "22"),
    ),
    DemoOrganisation(
        slug="toray-films-europe",
        legal_name="Toray Films Europe",
        kind=COMPANY,
        country="FR",
        city="Saint-Maurice-de-Beynost",
        latitude=45.8289,
        longitude=4.9764,
        nuts_region="FRK21",  # Ain; the generalised outline puts the point in Rhône
        description=(
            "Maker of plastic films, chiefly polyester (PET) films, and European subsidiary of "
            "the Japanese Toray group, with its plant in Saint-Maurice-de-Beynost (Ain). "
            "Opened its site to a CLUSTERPLAST visit in 2010."
        ),
        ecosystems=("energy-intensive", "electronics"),
        technologies=("advanced-materials",),
        nace=("22",),
    ),
    DemoOrganisation(
        slug="imp-lyon",
        legal_name="Ingénierie des Matériaux Polymères (IMP)",
        short_name="IMP laboratory",
        kind=RESEARCH,
        country="FR",
        city="Villeurbanne",
        latitude=45.7790,
        longitude=4.8690,
        description=(
            "Research laboratory for polymer materials engineering on the Lyon–Villeurbanne "
            "campus; a joint unit of CNRS with Université Claude Bernard Lyon 1, INSA Lyon and "
            "Université Jean Monnet. Opened its laboratories to a CLUSTERPLAST visit in 2010."
        ),
        ecosystems=("energy-intensive", "health"),
        technologies=("advanced-materials", "nanotechnology"),
        nace=("72",),
    ),
    DemoOrganisation(
        slug="universite-claude-bernard-lyon-1",
        legal_name="Université Claude Bernard Lyon 1",
        short_name="Lyon 1",
        kind=HIGHER_EDUCATION,
        country="FR",
        city="Villeurbanne",
        latitude=45.7784,
        longitude=4.8656,
        website="https://www.univ-lyon1.fr",
        pic="999902579",
        description=(
            "Public university of Lyon for science, technology, health and sport; one of the "
            "parent institutions of the IMP polymer laboratory."
        ),
        ecosystems=("health",),
        technologies=("advanced-materials", "industrial-biotechnology"),
        nace=("85", "72"),
    ),
    # Other clusters named in the sources ------------------------------------------------------
    DemoOrganisation(
        slug="plastival",
        legal_name="Plastival",
        kind=CLUSTER,
        country="ES",
        city="Valencia",
        latitude=39.4699,
        longitude=-0.3763,
        description=(
            "Cluster initiative of the plastics processing industry in the Valencian Region. "
            "Started in 2009 as an EU Regions of Knowledge project; presented as a cluster in "
            "the making at the CLUSTERPLAST event of June 2010."
        ),
        ecosystems=("energy-intensive",),
        technologies=("advanced-materials",),
        nace=("22",),
    ),
    DemoOrganisation(
        slug="clusterland-oberosterreich",
        legal_name="Clusterland Oberösterreich",
        short_name="Clusterland",
        kind=CLUSTER,
        country="AT",
        city="Linz",
        latitude=48.3069,
        longitude=14.2858,
        website="https://www.biz-up.at",
        description=(
            "Cluster management organisation of Upper Austria, whose regional cluster "
            "programme began at the end of the 1990s: by 2010 it counted about ten years of "
            "cluster policy. Its cluster initiatives are now run by the regional agency "
            "Business Upper Austria."
        ),
        ecosystems=("mobility-transport-automotive", "energy-intensive", "agri-food"),
        technologies=("advanced-manufacturing", "advanced-materials"),
        nace=("70",),
    ),
    DemoOrganisation(
        slug="kunststoff-cluster",
        legal_name="Kunststoff-Cluster",
        short_name="Plastics Cluster Upper Austria",
        kind=CLUSTER,
        country="AT",
        city="Linz",
        latitude=48.3000,
        longitude=14.2900,
        website="https://www.kunststoff-cluster.at",
        description=(
            "Plastics cluster founded in Upper Austria in 1999, also open to companies from "
            "neighbouring Austrian regions; managed from Linz by Business Upper Austria."
        ),
        ecosystems=("energy-intensive", "mobility-transport-automotive"),
        technologies=("advanced-materials", "advanced-manufacturing"),
        nace=("22", "20"),
    ),
    DemoOrganisation(
        slug="mechatronik-cluster",
        legal_name="Mechatronik-Cluster",
        short_name="Mechatronics Cluster",
        kind=CLUSTER,
        country="AT",
        city="Linz",
        latitude=48.3100,
        longitude=14.2800,
        website="https://www.mechatronik-cluster.at",
        description=(
            "Mechatronics cluster of Upper Austria founded in 2003 for machine builders and "
            "their suppliers; managed from Linz by Business Upper Austria."
        ),
        ecosystems=("mobility-transport-automotive", "electronics"),
        technologies=("robotics", "advanced-manufacturing", "iot"),
        nace=("28", "27"),
    ),
    DemoOrganisation(
        slug="pool-net",
        legal_name="Pool-Net – Portuguese Tooling & Plastics Network",
        short_name="Pool-Net",
        kind=CLUSTER,
        country="PT",
        city="Marinha Grande",
        latitude=39.7477,
        longitude=-8.9322,
        website="https://www.toolingportugal.com",
        description=(
            "Association in Marinha Grande that manages the Portuguese “Engineering & Tooling” "
            "cluster of mould makers, special tools and plastics. The cluster was officially "
            "recognised in 2009, during the CLUSTERPLAST project."
        ),
        ecosystems=("mobility-transport-automotive", "energy-intensive"),
        technologies=("advanced-manufacturing", "additive-manufacturing"),
        nace=("25", "28", "22"),
    ),
    DemoOrganisation(
        slug="proplast",
        legal_name="Proplast",
        kind=CLUSTER,
        country="IT",
        city="Tortona",
        latitude=44.8950,
        longitude=8.8650,
        website="https://www.proplast.it",
        description=(
            "Plastics innovation consortium in Piedmont (province of Alessandria). One of the "
            "established polymer clusters of the CLUSTERPLAST project (2009–2010)."
        ),
        ecosystems=("energy-intensive",),
        technologies=("advanced-materials",),
        nace=("22", "72"),
    ),
    DemoOrganisation(
        slug="furniture-cluster-and-creative-hub",
        legal_name="Furniture Cluster and Creative Hub",
        kind=CLUSTER,
        country="BG",
        city="Sofia",
        latitude=42.6977,
        longitude=23.3219,
        description=(
            "Bulgarian cluster of furniture makers and design studios. Its chief executive "
            "spoke about women in industry at Clusters meet Regions in Lyon, October 2023."
        ),
        ecosystems=("cultural-creative", "construction"),
        technologies=("advanced-manufacturing",),
        nace=("31", "16"),
    ),
    DemoOrganisation(
        slug="atim-cluster",
        legal_name="Advanced Technologies in Manufacturing (ATIM) Cluster",
        short_name="ATIM Cluster",
        kind=CLUSTER,
        country="IE",
        city="Athlone",
        latitude=53.4239,
        longitude=-7.9407,
        description=(
            "Regional cluster for advanced manufacturing in the Irish Midlands, set up under "
            "Ireland's Regional Technology Clustering Fund; presented its experience at "
            "Clusters meet Regions in Lyon, October 2023."
        ),
        ecosystems=("mobility-transport-automotive", "health", "energy-intensive"),
        technologies=("advanced-manufacturing", "robotics", "iot"),
        nace=("28", "22"),
    ),
    DemoOrganisation(
        slug="alpha-rlh",
        legal_name="ALPHA – Route des Lasers & des Hyperfréquences",
        short_name="Alpha RLH",
        kind=CLUSTER,
        country="FR",
        city="Bordeaux",
        latitude=44.8378,
        longitude=-0.5792,
        website="https://www.alpha-rlh.com",
        description=(
            "Pôle de compétitivité of Nouvelle-Aquitaine for photonics, lasers and microwave "
            "electronics, formed on 1 January 2017 from the Route des Lasers (Bordeaux) and "
            "Elopsys (Limoges) pôles."
        ),
        ecosystems=("electronics", "aerospace-defence", "health"),
        technologies=("photonics", "micro-nanoelectronics", "quantum"),
        nace=("26", "72"),
    ),
    DemoOrganisation(
        slug="aerospace-valley",
        legal_name="Aerospace Valley",
        kind=CLUSTER,
        country="FR",
        city="Toulouse",
        latitude=43.5664,
        longitude=1.4676,
        website="https://www.aerospace-valley.com",
        pic="999964271",
        description=(
            "Pôle de compétitivité for aeronautics, space and embedded systems in Occitanie "
            "and Nouvelle-Aquitaine, based in Toulouse; labelled in 2005."
        ),
        ecosystems=("aerospace-defence", "mobility-transport-automotive"),
        technologies=("advanced-manufacturing", "advanced-materials", "security-connectivity"),
        nace=("30", "33", "71"),
    ),
    DemoOrganisation(
        slug="minalogic",
        legal_name="Minalogic",
        kind=CLUSTER,
        country="FR",
        city="Grenoble",
        latitude=45.1885,
        longitude=5.7245,
        website="https://www.minalogic.com",
        description=(
            "Pôle de compétitivité for digital technologies – micro- and nanoelectronics, "
            "photonics and software – based in Grenoble; labelled in 2005."
        ),
        ecosystems=("electronics", "digital"),
        technologies=("micro-nanoelectronics", "photonics", "artificial-intelligence"),
        nace=("26", "62"),
    ),
    DemoOrganisation(
        slug="lyonbiopole",
        legal_name="Lyonbiopôle",
        kind=CLUSTER,
        country="FR",
        city="Lyon",
        latitude=45.7486,
        longitude=4.8467,
        website="https://www.lyonbiopole.com",
        description=(
            "Pôle de compétitivité for health technologies – vaccines, diagnostics and medical "
            "devices – in Auvergne-Rhône-Alpes, based in Lyon; labelled in 2005."
        ),
        ecosystems=("health",),
        technologies=("industrial-biotechnology", "artificial-intelligence"),
        nace=("21", "72"),
    ),
    DemoOrganisation(
        slug="axelera",
        legal_name="Axelera",
        kind=CLUSTER,
        country="FR",
        city="Solaize",
        latitude=45.6406,
        longitude=4.8387,
        website="https://www.axelera.org",
        pic="993284075",
        description=(
            "Pôle de compétitivité for chemistry and the environment, based in Solaize south "
            "of Lyon; labelled in 2005."
        ),
        ecosystems=("energy-intensive", "energy-renewables"),
        technologies=("advanced-materials", "industrial-biotechnology"),
        nace=("20", "38"),
    ),
    DemoOrganisation(
        slug="silicon-saxony",
        legal_name="Silicon Saxony e. V.",
        short_name="Silicon Saxony",
        kind=CLUSTER,
        country="DE",
        city="Dresden",
        latitude=51.0504,
        longitude=13.7373,
        website="https://www.silicon-saxony.de",
        description=(
            "Industry association of the microelectronics, software and ICT sector in Saxony, "
            "founded in 2000 and based in Dresden."
        ),
        ecosystems=("electronics", "digital"),
        technologies=("micro-nanoelectronics", "iot", "artificial-intelligence"),
        nace=("26", "62"),
    ),
    DemoOrganisation(
        slug="biocat",
        legal_name="Biocat",
        kind=CLUSTER,
        country="ES",
        city="Barcelona",
        latitude=41.3874,
        longitude=2.1686,
        website="https://www.biocat.cat",
        description=(
            "Organisation that coordinates the life sciences and health ecosystem of "
            "Catalonia, founded in 2006 and based in Barcelona."
        ),
        ecosystems=("health",),
        technologies=("industrial-biotechnology", "big-data"),
        nace=("21", "72"),
    ),
    DemoOrganisation(
        slug="foodvalley-nl",
        legal_name="Foodvalley NL",
        kind=CLUSTER,
        country="NL",
        city="Wageningen",
        latitude=51.9692,
        longitude=5.6654,
        website="https://www.foodvalley.nl",
        description=(
            "Agri-food innovation network based in Wageningen, the Netherlands, founded in 2004."
        ),
        ecosystems=("agri-food",),
        technologies=("industrial-biotechnology", "big-data"),
        nace=("10", "72"),
    ),
    DemoOrganisation(
        slug="polymerohio",
        legal_name="PolymerOhio",
        kind=CLUSTER,
        country="US",
        city="Columbus",
        latitude=39.9612,
        longitude=-82.9988,
        website="https://polymerohio.org",
        description=(
            "Non-profit support organisation for the polymer industry of Ohio, United States; "
            "Ohio's polymer initiative was presented at the CLUSTERPLAST event of 2010."
        ),
        ecosystems=("energy-intensive",),
        technologies=("advanced-materials",),
        nace=("22",),
    ),
    # Networks of clusters -----------------------------------------------------------------------
    DemoOrganisation(
        slug="france-clusters",
        legal_name="France Clusters",
        kind=OTHER,
        country="FR",
        city="Lyon",
        latitude=45.7578,
        longitude=4.8320,
        website="https://www.franceclusters.fr",
        description=(
            "National network of French cluster organisations, active since 1997 and based in "
            "Lyon. At its 2016 general assembly some 70 clusters discussed clusters as "
            "providers of innovation infrastructure."
        ),
        nace=("94",),
    ),
    DemoOrganisation(
        slug="afpc",
        legal_name="Association française des pôles de compétitivité",
        short_name="AFPC",
        kind=OTHER,
        country="FR",
        city="Paris",
        latitude=48.8670,
        longitude=2.2921,
        nuts_region="FR101",  # Paris; the generalised outline puts the point outside it
        pic="937668252",
        description=(
            "Association of the French pôles de compétitivité, founded in December 2013 and "
            "based in Paris. Speaks for the pôles to national and European authorities, "
            "supports the European Clusters Alliance and launched the “Les pôles pour "
            "l'Europe” awards in 2023."
        ),
        nace=("94",),
    ),
    DemoOrganisation(
        slug="european-clusters-alliance",
        legal_name="European Clusters Alliance",
        short_name="ECA",
        kind=OTHER,
        country="BE",
        city="Brussels",
        latitude=50.8466,
        longitude=4.3528,
        description=(
            "Network of national and regional cluster associations in Europe, based in "
            "Brussels; the AFPC is one of its members."
        ),
        nace=("94",),
    ),
    DemoOrganisation(
        slug="european-cluster-collaboration-platform",
        legal_name="European Cluster Collaboration Platform",
        short_name="ECCP",
        kind=OTHER,
        country="BE",
        city="Brussels",
        latitude=50.8430,
        longitude=4.3830,
        website="https://www.clustercollaboration.eu",
        description=(
            "Online platform and service of the European Commission for cluster "
            "organisations. Ran the cycle of 15 Clusters meet Regions workshops in 2022–2023, "
            "among them Lyon in October 2023."
        ),
        nace=("94",),
    ),
    DemoOrganisation(
        slug="synergies-tlc",
        legal_name="Synergies TLC",
        kind=OTHER,
        country="FR",
        description=(
            "Organisation that presented the FIREX project in the session on reshoring of "
            "industry at Clusters meet Regions, Lyon, October 2023."
        ),
    ),
    # Research and consulting ------------------------------------------------------------------
    DemoOrganisation(
        slug="prognos",
        legal_name="Prognos AG",
        short_name="Prognos",
        kind=COMPANY,
        country="CH",
        city="Basel",
        latitude=47.5596,
        longitude=7.5886,
        website="https://www.prognos.com",
        description=(
            "Economic research and policy consulting company founded in Basel, with offices "
            "in Germany. Presented the input paper on the cluster landscape of "
            "Auvergne-Rhône-Alpes at Clusters meet Regions, Lyon 2023."
        ),
        nace=("72", "70"),
    ),
    # Public authorities and agencies ----------------------------------------------------------
    DemoOrganisation(
        slug="region-auvergne-rhone-alpes",
        legal_name="Région Auvergne-Rhône-Alpes",
        kind=PUBLIC,
        country="FR",
        city="Lyon",
        latitude=45.7395,
        longitude=4.8186,
        website="https://www.auvergnerhonealpes.fr",
        description=(
            "Regional authority of Auvergne-Rhône-Alpes, the leading industrial region of "
            "France. Like the other French regions it has steered the pôles de compétitivité "
            "policy since 2020."
        ),
        nace=("84",),
    ),
    DemoOrganisation(
        slug="auvergne-rhone-alpes-entreprises",
        legal_name="Auvergne-Rhône-Alpes Entreprises",
        kind=OTHER,
        country="FR",
        city="Lyon",
        latitude=45.7640,
        longitude=4.8357,
        website="https://www.auvergnerhonealpes-entreprises.fr",
        description=(
            "Regional economic development agency of Auvergne-Rhône-Alpes; hosts the "
            "regional Enterprise Europe Network team."
        ),
        nace=("84", "70"),
    ),
    DemoOrganisation(
        slug="dg-grow",
        legal_name="European Commission – Directorate-General for Internal Market, Industry, "
        "Entrepreneurship and SMEs",
        short_name="DG GROW",
        kind=PUBLIC,
        country="BE",
        city="Brussels",
        latitude=50.8440,
        longitude=4.3850,
        description="Department of the European Commission in charge of EU cluster policy.",
        nace=("84",),
    ),
    DemoOrganisation(
        slug="dg-regio",
        legal_name="European Commission – Directorate-General for Regional and Urban Policy",
        short_name="DG REGIO",
        kind=PUBLIC,
        country="BE",
        city="Brussels",
        latitude=50.8425,
        longitude=4.3820,
        description=(
            "Department of the European Commission for cohesion policy; follows the regional "
            "programme of Auvergne-Rhône-Alpes among others."
        ),
        nace=("84",),
    ),
    DemoOrganisation(
        slug="dge",
        legal_name="Direction générale des Entreprises",
        short_name="DGE",
        kind=PUBLIC,
        country="FR",
        city="Paris",
        latitude=48.8386,
        longitude=2.3806,
        description=(
            "Directorate-General for Enterprise of the French Ministry of the Economy; "
            "follows the national policy of pôles de compétitivité."
        ),
        nace=("84",),
    ),
    DemoOrganisation(
        slug="regions-de-france",
        legal_name="Régions de France",
        kind=OTHER,
        country="FR",
        city="Paris",
        latitude=48.8566,
        longitude=2.3522,
        website="https://regions-france.org",
        description=(
            "Association of the French regions, based in Paris. Ran a public consultation on "
            "the competitiveness cluster policy after the end of its fourth phase in 2022."
        ),
        nace=("94", "84"),
    ),
    DemoOrganisation(
        slug="regione-lombardia",
        legal_name="Regione Lombardia",
        kind=PUBLIC,
        country="IT",
        city="Milan",
        latitude=45.4860,
        longitude=9.1930,
        website="https://www.regione.lombardia.it",
        description=(
            "Regional government of Lombardy, Italy; its Directorate-General for Economic "
            "Development took part in Clusters meet Regions, Lyon 2023."
        ),
        nace=("84",),
    ),
    DemoOrganisation(
        slug="malopolska-region",
        legal_name="Województwo Małopolskie",
        short_name="Małopolska Region",
        kind=PUBLIC,
        country="PL",
        city="Kraków",
        latitude=50.0647,
        longitude=19.9450,
        website="https://www.malopolska.pl",
        description="Regional government of Małopolska, Poland, seated in Kraków.",
        nace=("84",),
    ),
    DemoOrganisation(
        slug="aichi-prefecture",
        legal_name="Aichi Prefectural Government",
        short_name="Aichi Prefecture",
        kind=PUBLIC,
        country="JP",
        city="Nagoya",
        latitude=35.1802,
        longitude=136.9066,
        website="https://www.pref.aichi.jp",
        description=(
            "Prefectural government of Aichi, Japan; partner of CIMES in an interregional "
            "cluster collaboration."
        ),
        nace=("84",),
    ),
)


PROFILES: tuple[DemoProfile, ...] = (
    DemoProfile(
        "polymeris",
        2021,
        300,
        250,
        30,
        15,
        10,
        25,
        Decimal("20.0"),
        "fr, en",
        "Labelled pôle de compétitivité; project support for national and European funding.",
        (POLE_PHASE_5,),
    ),
    DemoProfile(
        "plastipolis",
        2005,
        280,
        230,
        40,
        20,
        15,
        50,
        Decimal("15.0"),
        "fr, en",
        "",
        (
            POLE_HISTORIC,
            DemoLabel(LabelScheme.ECEI, LabelLevel.GOLD, ESCA, date(2013, 6, 1), date(2015, 6, 1)),
        ),
    ),
    DemoProfile(
        "elastopole",
        None,
        90,
        70,
        12,
        8,
        4,
        6,
        Decimal("6.0"),
        "fr",
        "",
        (_pole(None, date(2020, 12, 31), "until the merger"),),
    ),
    DemoProfile(
        "cimes",
        2005,
        380,
        300,
        45,
        25,
        20,
        30,
        Decimal("18.0"),
        "fr, en",
        "Labelled pôle de compétitivité; European interclustering.",
        (POLE_PHASE_4, POLE_PHASE_5),
    ),
    DemoProfile(
        "techtera",
        2005,
        160,
        140,
        15,
        10,
        5,
        10,
        Decimal("12.0"),
        "fr, en",
        "Labelled pôle de compétitivité.",
        (
            POLE_PHASE_5,
            DemoLabel(LabelScheme.ECEI, LabelLevel.GOLD, ESCA, date(2023, 3, 1), date(2025, 3, 1)),
        ),
    ),
    # Incomplete on purpose: too few members and no website, so the profile page lists both.
    DemoProfile("plastival", 2010, 9, 8, 2, 0, 0, 0, Decimal("0.5"), "es, en"),
    DemoProfile(
        "clusterland-oberosterreich",
        None,
        1800,
        1500,
        150,
        60,
        40,
        150,
        Decimal("45.0"),
        "de, en",
        "Regional cluster programme of the Province of Upper Austria.",
    ),
    DemoProfile(
        "kunststoff-cluster",
        1999,
        380,
        300,
        15,
        8,
        2,
        5,
        Decimal("6.0"),
        "de, en",
    ),
    DemoProfile(
        "mechatronik-cluster",
        2003,
        300,
        240,
        15,
        8,
        2,
        3,
        Decimal("6.0"),
        "de, en",
    ),
    DemoProfile(
        "pool-net",
        2009,
        80,
        70,
        8,
        5,
        3,
        4,
        Decimal("5.0"),
        "pt, en",
        "Recognised competitiveness cluster (Portugal).",
        (DemoLabel(LabelScheme.ECEI, LabelLevel.SILVER, ESCA, date(2022, 5, 1), date(2024, 5, 1)),),
    ),
    DemoProfile("proplast", None, 100, 80, 10, 5, 2, 3, Decimal("15.0"), "it, en"),
    DemoProfile(
        "furniture-cluster-and-creative-hub",
        None,
        27,
        25,
        0,
        2,
        0,
        3,
        Decimal("2.0"),
        "bg, en",
        "",
        (DemoLabel(LabelScheme.ECEI, LabelLevel.BRONZE, ESCA, date(2023, 1, 1), date(2025, 1, 1)),),
    ),
    DemoProfile("atim-cluster", None, 55, 40, 2, 1, 2, 0, Decimal("1.5"), "en"),
    DemoProfile(
        "alpha-rlh",
        2017,
        250,
        200,
        40,
        10,
        10,
        20,
        Decimal("20.0"),
        "fr, en",
        "Labelled pôle de compétitivité.",
        (POLE_PHASE_5,),
    ),
    DemoProfile(
        "aerospace-valley",
        2005,
        700,
        500,
        80,
        30,
        30,
        60,
        Decimal("40.0"),
        "fr, en",
        "Labelled pôle de compétitivité.",
        (POLE_PHASE_5,),
    ),
    DemoProfile(
        "minalogic",
        2005,
        400,
        330,
        30,
        15,
        10,
        20,
        Decimal("30.0"),
        "fr, en",
        "Labelled pôle de compétitivité.",
        (POLE_PHASE_5,),
    ),
    DemoProfile(
        "lyonbiopole",
        2005,
        230,
        190,
        30,
        10,
        10,
        20,
        Decimal("25.0"),
        "fr, en",
        "Labelled pôle de compétitivité.",
        (POLE_PHASE_5,),
    ),
    DemoProfile(
        "axelera",
        2005,
        280,
        220,
        50,
        10,
        5,
        15,
        Decimal("20.0"),
        "fr, en",
        "Labelled pôle de compétitivité.",
        (POLE_PHASE_5,),
    ),
    DemoProfile(
        "silicon-saxony",
        2000,
        400,
        320,
        30,
        10,
        5,
        55,
        Decimal("15.0"),
        "de, en",
        "",
        (DemoLabel(LabelScheme.ECEI, LabelLevel.GOLD, ESCA, date(2019, 3, 1), date(2021, 3, 1)),),
    ),
    DemoProfile("biocat", 2006, 60, 40, 15, 8, 4, 10, Decimal("30.0"), "ca, es, en"),
    DemoProfile("foodvalley-nl", 2004, 150, 110, 15, 5, 10, 20, Decimal("15.0"), "nl, en"),
)


PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson(
        "Hervé",
        "Floch",
        "Director of Alpha RLH; Vice-President of the AFPC and chair of its European committee",
        "alpha-rlh",
        True,
    ),
    DemoPerson("Pauline", "Capus", "Director", "afpc", True),
    DemoPerson(
        "Lisa", "Besnard", "European and international project manager", "france-clusters", True
    ),
    DemoPerson(
        "Jan-Philip",
        "Kramer",
        "Presenter of the input paper, Clusters meet Regions Lyon 2023",
        "prognos",
        True,
    ),
    DemoPerson("Genoveva", "Christova", "CEO", "furniture-cluster-and-creative-hub", True),
    DemoPerson("Vincent", "Deschamps", "General Directorate for Enterprise", "dge", True),
    DemoPerson("Stéphanie", "Pernod", "Vice-President", "region-auvergne-rhone-alpes", True),
    DemoPerson("Alain", "Van Raek", "Programme manager for Auvergne-Rhône-Alpes", "dg-regio", True),
    DemoPerson("Loïc", "Marin", "European interclustering project manager", "cimes", True),
    DemoPerson(
        "Jerzy",
        "Kopeć",
        "Director of the Department of Corporate Governance and Economy",
        "malopolska-region",
        True,
    ),
    DemoPerson("Caitriona", "Mordan", "Cluster manager", "atim-cluster", True),
    DemoPerson("Sonia", "Martin", "Director of Economy", "region-auvergne-rhone-alpes", True),
    DemoPerson("Clara", "Potton", "Innovation manager", "synergies-tlc", True),
    DemoPerson(
        "Sylvain",
        "Guetaz",
        "Project manager for European cooperation (EU Strategy for the Alpine Region)",
        "region-auvergne-rhone-alpes",
        True,
    ),
    DemoPerson(
        "Maud",
        "Schneider",
        "Enterprise Europe Network project manager",
        "auvergne-rhone-alpes-entreprises",
        True,
    ),
    DemoPerson(
        "Paolo",
        "Sabbadini",
        "General Directorate for Economic Development",
        "regione-lombardia",
        True,
    ),
    # Named in a 2016 news item but not speakers at a public session: no consent recorded.
    DemoPerson("Xavier", "Roy", "Secretary General", "france-clusters", False),
    DemoPerson(
        "Marc", "Pattinson", "ECCP representative", "european-cluster-collaboration-platform", False
    ),
)


MEMBERSHIPS: tuple[DemoMembership, ...] = (
    DemoMembership("polymeris", "toray-films-europe", 2021),
    DemoMembership("polymeris", "imp-lyon", 2021),
    DemoMembership("polymeris", "universite-claude-bernard-lyon-1", 2021),
    DemoMembership("plastipolis", "toray-films-europe", 2006),
    DemoMembership("plastipolis", "imp-lyon", 2006),
    DemoMembership("techtera", "imp-lyon", 2010),
    DemoMembership("techtera", "universite-claude-bernard-lyon-1", 2012),
    DemoMembership("cimes", "universite-claude-bernard-lyon-1", 2019),
    DemoMembership("lyonbiopole", "universite-claude-bernard-lyon-1", 2005),
    DemoMembership("clusterland-oberosterreich", "kunststoff-cluster", 1999),
    DemoMembership("clusterland-oberosterreich", "mechatronik-cluster", 2003),
    # Organisations of the CORDIS sample (joined only when the sample is loaded).
    DemoMembership("polymeris", "pic:996699251", 2021),  # IPC, plastics technical centre
    DemoMembership("polymeris", "pic:916207875", 2021),  # Lactips
    DemoMembership("polymeris", "pic:897148442", 2021),  # Carbiolice
    DemoMembership("cimes", "pic:891878141", 2019),  # Université Clermont Auvergne
    DemoMembership("minalogic", "pic:999429122", 2008),  # Cedrat Technologies
    DemoMembership("minalogic", "pic:897379108", 2005),  # Université Grenoble Alpes
    DemoMembership("minalogic", "pic:910805460", 2016),  # Enwires
    DemoMembership("lyonbiopole", "pic:910079706", 2006),  # Erytech Pharma
    DemoMembership("lyonbiopole", "pic:931461416", 2015),  # Enyo Pharma
    DemoMembership("lyonbiopole", "pic:952786381", 2011),  # Bioaster
    DemoMembership("lyonbiopole", "pic:998171032", 2005),  # Centre Léon Bérard
    DemoMembership("axelera", "pic:986084153", 2012),  # AURA Energie Environnement
)

# The demo profile team: one verified user who may edit Polymeris's profile.
TEAM_ORGANISATION = "polymeris"
TEAM_EMAIL = "team@clusterhub.local"
