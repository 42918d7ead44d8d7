"""Demo content of the events app: data only, no writes (``clusterhub.demo.events`` loads it).

REAL, from public sources: the three past events (CLUSTERPLAST near Lyon, June 2010; the France
Clusters general assembly, May 2016; Clusters meet Regions in Lyon, October 2023), their dates,
organisers, context, the titles and order of their sessions, the Lyon speakers with their
organisations and talks, the 2010 attendance figures (93 participants by kind) and the
countries named. Every description is our own short summary.

ILLUSTRATIVE, NOT REAL: session times, rooms and breaks (the sources give none); the
ecosystems the events are tagged with (our reading of their topics); the 93
participants of 2010 (fictitious people and organisations, example.org addresses, their split
by country, their consent); and the whole 2027 workshop, a fictitious event that lets visitors
try registration.

Organisations and people are named by the registry's demo slugs and names
(``clusterhub.demo.registry_data``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from clusterhub.events.models import EventKind, EventStatus, MaterialKind, QuestionKind, SessionKind
from clusterhub.registry.models import OrganisationKind

CLUSTER = OrganisationKind.CLUSTER
COMPANY = OrganisationKind.COMPANY
RESEARCH = OrganisationKind.RESEARCH
HIGHER_EDUCATION = OrganisationKind.HIGHER_EDUCATION
PUBLIC = OrganisationKind.PUBLIC_AUTHORITY
OTHER = OrganisationKind.OTHER

ECCP_LYON_PAGE = "https://clustercollaboration.eu/event-calendar/clusters-meet-regions-lyon-france"
ECCP_AGM_NEWS = (
    "https://clustercollaboration.eu/news/eccp-team-attends-france-clusters-annual-general-assembly"
)


@dataclass(frozen=True)
class DemoSpeaker:
    first_name: str
    last_name: str
    # Used only when the person is not in the registry yet (created with public consent: they
    # spoke on a published agenda).
    job: str
    organisation: str  # registry slug: the person's own organisation
    role: str = "Speaker"  # role in the session
    talk_title: str = ""
    speaking_for: str | None = None  # registry slug, when they spoke for another organisation


@dataclass(frozen=True)
class DemoMaterial:
    title: str
    kind: str
    url: str
    speaker: str = ""  # "First Last" of a speaker of the session, for a speaker's material


@dataclass(frozen=True)
class DemoSession:
    title: str
    kind: str
    day: date
    start: str  # "HH:MM", the event's time zone
    end: str
    room: str = ""
    description: str = ""
    speakers: tuple[DemoSpeaker, ...] = ()
    materials: tuple[DemoMaterial, ...] = ()


@dataclass(frozen=True)
class DemoQuestion:
    label: str
    kind: str
    choices: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class DemoAttendance:
    """``count`` participants from ``country`` whose organisations are of ``kind``."""

    country: str
    kind: str
    count: int


@dataclass(frozen=True)
class DemoEvent:
    slug: str
    title: str
    kind: str
    status: str
    timezone: str
    start: datetime  # naive, in the event's time zone
    end: datetime
    description: str
    topic: str = ""
    target_audience: str = ""
    host: str | None = None  # registry slug
    co_organisers: tuple[str, ...] = ()
    context: str = ""
    venue: str = ""
    city: str = ""
    country: str | None = None
    nuts_region: str | None = None
    online_url: str = ""
    languages: str = ""
    interpretation: str = ""
    capacity: int | None = None
    registration_opens: datetime | None = None  # naive, in the event's time zone
    registration_closes: datetime | None = None
    ecosystems: tuple[str, ...] = ()
    outcomes: str = ""
    recommendations: str = ""
    summary_published: bool = False
    sessions: tuple[DemoSession, ...] = ()
    materials: tuple[DemoMaterial, ...] = ()  # of the whole event
    questions: tuple[DemoQuestion, ...] = ()
    attendance: tuple[DemoAttendance, ...] = ()  # past events: who attended, recorded afterwards


# Clusters meet Regions, Lyon, 12–13 October 2023 ---------------------------------------------

_LYON_DAY_1 = date(2023, 10, 12)
_LYON_DAY_2 = date(2023, 10, 13)
_PLENARY = "Plenary room"
_FOYER = "Networking area"

CLUSTERS_MEET_REGIONS_LYON = DemoEvent(
    slug="clusters-meet-regions-lyon-2023",
    title="Clusters meet Regions: clusters and regions fostering collaboration to deploy the "
    "industry of the future on territories",
    kind=EventKind.WORKSHOP,
    status=EventStatus.FINISHED,
    timezone="Europe/Paris",
    start=datetime(2023, 10, 12, 8, 30),
    end=datetime(2023, 10, 13, 12, 30),
    topic="Industry of the future",
    target_audience="Cluster organisations and policymakers at European, national, regional "
    "and local level",
    host="european-cluster-collaboration-platform",
    co_organisers=(
        "cimes",
        "region-auvergne-rhone-alpes",
        "auvergne-rhone-alpes-entreprises",
        "polymeris",
        "techtera",
    ),
    context="Pollutec, the industrial exhibition in Lyon",
    venue="Pollutec exhibition",
    city="Lyon",
    country="FR",
    nuts_region="FRK26",
    ecosystems=("energy-intensive", "textiles", "mobility-transport-automotive"),
    description=(
        "A two-day regional workshop of the Clusters meet Regions cycle, which the European "
        "Cluster Collaboration Platform runs for the European Commission. Held in Lyon during "
        "the Pollutec exhibition with five Auvergne-Rhône-Alpes partners, it looked at how "
        "clusters and regions can work together to bring the industry of the future to their "
        "territories: the French pôles de compétitivité, interregional collaboration, the "
        "reshoring of industry and the regions' weight in European networks.\n\n"
        "Session times and rooms shown here are illustrative."
    ),
    materials=(
        DemoMaterial(
            "Event page on the European Cluster Collaboration Platform",
            MaterialKind.LINK,
            ECCP_LYON_PAGE,
        ),
        DemoMaterial(
            "Final agenda and participants' booklet (from the event page)",
            MaterialKind.AGENDA,
            ECCP_LYON_PAGE,
        ),
    ),
    sessions=(
        DemoSession(
            "Registration and welcome coffee",
            SessionKind.NETWORKING,
            _LYON_DAY_1,
            "08:30",
            "09:00",
            _FOYER,
        ),
        DemoSession(
            "Introduction session",
            SessionKind.INTRODUCTION,
            _LYON_DAY_1,
            "09:00",
            "10:30",
            _PLENARY,
            "The input paper on the region's clusters, the role of clusters as intermediaries "
            "in industrial ecosystems, and women in industry.",
            speakers=(
                DemoSpeaker(
                    "Jan-Philip",
                    "Kramer",
                    "Presenter of the input paper, Clusters meet Regions Lyon 2023",
                    "prognos",
                    talk_title="Presentation of the input paper on the cluster landscape of "
                    "Auvergne-Rhône-Alpes",
                ),
                DemoSpeaker(
                    "Lisa",
                    "Besnard",
                    "European and international project manager",
                    "france-clusters",
                    talk_title="Clusters as intermediary organisations supporting industrial "
                    "ecosystems",
                ),
                DemoSpeaker(
                    "Genoveva",
                    "Christova",
                    "CEO",
                    "furniture-cluster-and-creative-hub",
                    talk_title="Women in industry",
                ),
            ),
            materials=(
                DemoMaterial(
                    "Input paper: the cluster landscape of Auvergne-Rhône-Alpes (from the event "
                    "page)",
                    MaterialKind.PAPER,
                    ECCP_LYON_PAGE,
                    speaker="Jan-Philip Kramer",
                ),
            ),
        ),
        DemoSession("Coffee break", SessionKind.BREAK, _LYON_DAY_1, "10:30", "11:00", _FOYER),
        DemoSession(
            "How the French model of competitiveness clusters is relevant and efficient to help "
            "industry in a world of crisis",
            SessionKind.PANEL,
            _LYON_DAY_1,
            "11:00",
            "12:30",
            _PLENARY,
            "The pôles de compétitivité seen by their national association, the Ministry of "
            "the Economy and a pôle active in European projects.",
            speakers=(
                DemoSpeaker(
                    "Pauline",
                    "Capus",
                    "Director",
                    "afpc",
                    role="Panellist",
                ),
                DemoSpeaker(
                    "Vincent",
                    "Deschamps",
                    "General Directorate for Enterprise",
                    "dge",
                    role="Panellist",
                ),
                DemoSpeaker(
                    "Hervé",
                    "Floch",
                    "Director of Alpha RLH; Vice-President of the AFPC and chair of its "
                    "European committee",
                    "alpha-rlh",
                    role="Panellist",
                    talk_title="The pôles de compétitivité and Europe in phase 4 (2019–2022)",
                    speaking_for="afpc",
                ),
            ),
        ),
        DemoSession("Lunch", SessionKind.BREAK, _LYON_DAY_1, "12:30", "14:00", _FOYER),
        DemoSession(
            "Cluster-driven interregional collaboration in the framework of the priorities of "
            "Auvergne-Rhône-Alpes: green and digital transition, training and jobs for the "
            "future, excellence sectors",
            SessionKind.PANEL,
            _LYON_DAY_1,
            "14:00",
            "16:00",
            _PLENARY,
            "The region's economic development scheme and cohesion programme, and cluster "
            "collaborations with Aichi (Japan), Małopolska (Poland) and Ireland.",
            speakers=(
                DemoSpeaker(
                    "Stéphanie",
                    "Pernod",
                    "Vice-President",
                    "region-auvergne-rhone-alpes",
                    role="Panellist",
                    talk_title="The regional scheme for economic development (SRDEII)",
                ),
                DemoSpeaker(
                    "Alain",
                    "Van Raek",
                    "Programme manager for Auvergne-Rhône-Alpes",
                    "dg-regio",
                    role="Panellist",
                    talk_title="The cohesion policy programme of Auvergne-Rhône-Alpes",
                ),
                DemoSpeaker(
                    "Loïc",
                    "Marin",
                    "European interclustering project manager",
                    "cimes",
                    role="Panellist",
                    talk_title="Interregional collaboration with Aichi Prefecture (Japan)",
                ),
                DemoSpeaker(
                    "Jerzy",
                    "Kopeć",
                    "Director of the Department of Corporate Governance and Economy",
                    "malopolska-region",
                    role="Panellist",
                ),
                DemoSpeaker(
                    "Caitriona",
                    "Mordan",
                    "Cluster manager",
                    "atim-cluster",
                    role="Panellist",
                ),
            ),
        ),
        DemoSession(
            "Coffee and networking", SessionKind.NETWORKING, _LYON_DAY_1, "16:00", "16:30", _FOYER
        ),
        DemoSession(
            "Reshoring of industry: how the regional authorities, agencies and clusters can "
            "accelerate the process at European level",
            SessionKind.PANEL,
            _LYON_DAY_2,
            "09:00",
            "10:30",
            _PLENARY,
            "The region's economic directorate and the FIREX project on bringing industrial "
            "production back to Europe.",
            speakers=(
                DemoSpeaker(
                    "Sonia",
                    "Martin",
                    "Director of Economy",
                    "region-auvergne-rhone-alpes",
                    role="Panellist",
                ),
                DemoSpeaker(
                    "Clara",
                    "Potton",
                    "Innovation manager",
                    "synergies-tlc",
                    role="Panellist",
                    talk_title="The FIREX project",
                ),
            ),
        ),
        DemoSession("Coffee break", SessionKind.BREAK, _LYON_DAY_2, "10:30", "11:00", _FOYER),
        DemoSession(
            "Closing conference: regions and clusters, how to build and reinforce influence in "
            "European industrial networks and platforms",
            SessionKind.CLOSING,
            _LYON_DAY_2,
            "11:00",
            "12:30",
            _PLENARY,
            "The EU Strategy for the Alpine Region, the Enterprise Europe Network and "
            "Lombardy on making regions and clusters heard in Europe.",
            speakers=(
                DemoSpeaker(
                    "Sylvain",
                    "Guetaz",
                    "Project manager for European cooperation (EU Strategy for the Alpine Region)",
                    "region-auvergne-rhone-alpes",
                    talk_title="The EU Strategy for the Alpine Region",
                ),
                DemoSpeaker(
                    "Maud",
                    "Schneider",
                    "Enterprise Europe Network project manager",
                    "auvergne-rhone-alpes-entreprises",
                    talk_title="The Enterprise Europe Network at the regional economic agency",
                ),
                DemoSpeaker(
                    "Paolo",
                    "Sabbadini",
                    "General Directorate for Economic Development",
                    "regione-lombardia",
                ),
            ),
        ),
    ),
)


# CLUSTERPLAST dissemination event, 28–29 June 2010 -------------------------------------------

_CP_DAY_1 = date(2010, 6, 28)
_CP_DAY_2 = date(2010, 6, 29)
_CP_ROOM = "Conference room"
_CP_FOYER = "Foyer"

CLUSTERPLAST_2010 = DemoEvent(
    slug="clusterplast-lyon-2010",
    title="CLUSTERPLAST: toward a common European and regional strategy for plastic clusters",
    kind=EventKind.DISSEMINATION,
    status=EventStatus.FINISHED,
    timezone="Europe/Paris",
    start=datetime(2010, 6, 28, 9, 0),
    end=datetime(2010, 6, 29, 17, 0),
    topic="Cluster policy for the polymer converting industry",
    target_audience="Companies, researchers, cluster organisations and public authorities of "
    "the polymer industry",
    co_organisers=("plastipolis",),
    context="The plastics week in Rhône-Alpes, before the Plastipolis forum (30 June – 1 July "
    "2010) and the Allizé-Plasturgie annual meeting",
    city="Charbonnières-les-Bains",
    country="FR",
    nuts_region="FRK26",
    languages="English, French",
    interpretation="Into French, the local language",
    ecosystems=("energy-intensive",),
    description=(
        "The second and last dissemination event of CLUSTERPLAST, an 18-month European "
        "project of regions and polymer clusters, held near Lyon. Day one presented the "
        "project's results and its joint action plan, and compared three cluster policies; "
        "day two looked at initiatives beyond the project, closed with a round table and "
        "took participants to a film maker and a polymer laboratory. Interpretation into "
        "French opened the event to local participants.\n\n"
        "Session times are illustrative; the participants recorded in the demo are fictitious."
    ),
    outcomes=(
        "93 participants from business, research and public authorities, with clusters and "
        "regions from outside the consortium (Belgium, Germany, Slovakia, Switzerland, the "
        "Netherlands and the United States). The clusters confirmed their support for the "
        "polymer industry, SMEs first, and the regions agreed to keep working with their "
        "stakeholders on regional development strategies."
    ),
    recommendations=(
        "Clusters should offer services, knowledge transfer, education and training that "
        "answer the industry's needs, not only research programmes, and take the market, their "
        "strategy and their management into account. Projects should combine European "
        "funding sources (CIP, FP7, public-private partnerships, ERDF), and the programmes "
        "should become easier for SMEs to join."
    ),
    summary_published=True,
    sessions=(
        DemoSession("Welcome", SessionKind.INTRODUCTION, _CP_DAY_1, "09:00", "09:30", _CP_ROOM),
        DemoSession(
            "Results of CLUSTERPLAST and its joint action plan",
            SessionKind.PRESENTATION,
            _CP_DAY_1,
            "09:30",
            "11:00",
            _CP_ROOM,
            "The project's results and the activities of its joint action plan, organised in "
            "seven axes: shared research infrastructures, knowledge transfer, mobility, joint "
            "research projects, entrepreneurship, education and training, mutual learning and "
            "mentoring.",
        ),
        DemoSession("Coffee break", SessionKind.BREAK, _CP_DAY_1, "11:00", "11:30", _CP_FOYER),
        DemoSession(
            "Collaborations on the seven axes of the joint action plan",
            SessionKind.PRESENTATION,
            _CP_DAY_1,
            "11:30",
            "12:30",
            _CP_ROOM,
            "Examples of collaboration on each axis of the plan; participants' recommendations "
            "on the plan are collected.",
        ),
        DemoSession("Lunch", SessionKind.BREAK, _CP_DAY_1, "12:30", "14:00", _CP_FOYER),
        DemoSession(
            "Cluster policy: three cluster experiences",
            SessionKind.PANEL,
            _CP_DAY_1,
            "14:00",
            "16:00",
            _CP_ROOM,
            "Good practice in cluster policy from three clusters at different stages: "
            "Clusterland (Upper Austria, ten years of cluster policy), Engineering & Tooling "
            "(Portugal, recognised in 2009 as an outcome of CLUSTERPLAST) and Plastival "
            "(Valencia, in the making).",
        ),
        DemoSession(
            "European and international initiatives",
            SessionKind.PRESENTATION,
            _CP_DAY_2,
            "09:00",
            "10:30",
            _CP_ROOM,
            "Ohio's polymer initiative (United States), the European Network of Excellence on "
            "micromanufacturing, Intercluster Europa and Manufuture.",
        ),
        DemoSession("Coffee break", SessionKind.BREAK, _CP_DAY_2, "10:30", "11:00", _CP_FOYER),
        DemoSession(
            "Round table: the expected impacts of cluster policy on business and territorial "
            "development",
            SessionKind.ROUND_TABLE,
            _CP_DAY_2,
            "11:00",
            "12:30",
            _CP_ROOM,
            "Research partners, SMEs, large companies and regional and European policymakers "
            "give their views.",
        ),
        DemoSession("Lunch", SessionKind.BREAK, _CP_DAY_2, "12:30", "14:00", _CP_FOYER),
        DemoSession(
            "Site visit: Toray Films Europe",
            SessionKind.VISIT,
            _CP_DAY_2,
            "14:00",
            "17:00",
            "Toray Films Europe, Saint-Maurice-de-Beynost",
            "Visit of the plant of a market leader in polyester films.",
        ),
        DemoSession(
            "Site visit: IMP laboratory, Université Lyon 1",
            SessionKind.VISIT,
            _CP_DAY_2,
            "14:00",
            "17:00",
            "IMP laboratory, Villeurbanne",
            "Visit of the polymer materials engineering laboratory.",
        ),
    ),
    # 93 attended: 24 cluster organisations, 16 companies, 28 public authorities, 21
    # universities or research centres (12 + 9), 4 others. The split by country is invented:
    # France mostly, the countries of the three cluster experiences presented (Austria,
    # Portugal, Spain), and the outside countries the source names.
    attendance=(
        DemoAttendance("FR", CLUSTER, 12),
        DemoAttendance("FR", COMPANY, 12),
        DemoAttendance("FR", PUBLIC, 18),
        DemoAttendance("FR", HIGHER_EDUCATION, 8),
        DemoAttendance("FR", RESEARCH, 7),
        DemoAttendance("FR", OTHER, 4),
        DemoAttendance("AT", CLUSTER, 3),
        DemoAttendance("AT", PUBLIC, 2),
        DemoAttendance("ES", CLUSTER, 2),
        DemoAttendance("ES", PUBLIC, 2),
        DemoAttendance("ES", RESEARCH, 1),
        DemoAttendance("PT", CLUSTER, 2),
        DemoAttendance("PT", COMPANY, 1),
        DemoAttendance("PT", PUBLIC, 1),
        DemoAttendance("BE", CLUSTER, 1),
        DemoAttendance("BE", PUBLIC, 2),
        DemoAttendance("BE", RESEARCH, 1),
        DemoAttendance("DE", CLUSTER, 2),
        DemoAttendance("DE", COMPANY, 1),
        DemoAttendance("DE", HIGHER_EDUCATION, 1),
        DemoAttendance("CH", COMPANY, 1),
        DemoAttendance("CH", PUBLIC, 1),
        DemoAttendance("CH", HIGHER_EDUCATION, 1),
        DemoAttendance("NL", COMPANY, 1),
        DemoAttendance("NL", PUBLIC, 1),
        DemoAttendance("NL", HIGHER_EDUCATION, 1),
        DemoAttendance("SK", CLUSTER, 1),
        DemoAttendance("SK", PUBLIC, 1),
        DemoAttendance("US", CLUSTER, 1),
        DemoAttendance("US", HIGHER_EDUCATION, 1),
    ),
)


# France Clusters general assembly, 27 May 2016 -----------------------------------------------

_AGM_DAY = date(2016, 5, 27)
_AGM_ROOM = "Assembly room"

FRANCE_CLUSTERS_AGM_2016 = DemoEvent(
    slug="france-clusters-general-assembly-2016",
    title="France Clusters annual general assembly 2016",
    kind=EventKind.GENERAL_ASSEMBLY,
    status=EventStatus.FINISHED,
    timezone="Europe/Paris",
    start=datetime(2016, 5, 27, 9, 30),
    end=datetime(2016, 5, 27, 17, 0),
    topic="Clusters securing local growth through innovation and economic infrastructures",
    target_audience="French cluster organisations, members of France Clusters",
    host="france-clusters",
    country="FR",  # the source does not say in which city or venue
    languages="French",
    description=(
        "The yearly assembly of the French national network of clusters, attended by some 70 "
        "clusters from many sectors. Its theme was the part clusters can play in local growth "
        "by supporting or running innovation and economic infrastructures. The European "
        "Cluster Collaboration Platform presented its tools to the French clusters, some 34 "
        "of which had a profile on it.\n\n"
        "The venue is not recorded in our source; session times are illustrative."
    ),
    outcomes=(
        "Clusters increasingly act as service providers and run innovation centres, which "
        "makes them more visible and gives their SME members concrete support."
    ),
    recommendations=(
        "Infrastructure providers should build for the needs of the cluster's members rather "
        "than offer one standard property solution; clusters should formalise cooperation "
        "with other clusters and innovation actors so that SMEs find one way into the regional "
        "ecosystem; funding should combine several partners, regional structural funds (S3) "
        "included; innovation infrastructures attract partners when open and visible through "
        "cluster networks."
    ),
    summary_published=True,
    sessions=(
        DemoSession("Welcome", SessionKind.INTRODUCTION, _AGM_DAY, "09:30", "10:00", _AGM_ROOM),
        DemoSession(
            "Statutory general assembly of the members",
            SessionKind.PRESENTATION,
            _AGM_DAY,
            "10:00",
            "12:30",
            _AGM_ROOM,
            "The network's yearly business, for its member clusters.",
        ),
        DemoSession("Lunch", SessionKind.BREAK, _AGM_DAY, "12:30", "14:00", "Foyer"),
        DemoSession(
            "The European Cluster Collaboration Platform: the ESCP-S3 call for interest and the "
            "partnering tool",
            SessionKind.PRESENTATION,
            _AGM_DAY,
            "14:00",
            "14:30",
            _AGM_ROOM,
            "The ECCP team presents the call for expressions of interest for European Strategic "
            "Cluster Partnerships for Smart Specialisation Investments (ESCP-S3) and the new "
            "partnering tool for building cluster project consortia.",
            materials=(
                DemoMaterial(
                    "ECCP news report on the general assembly", MaterialKind.LINK, ECCP_AGM_NEWS
                ),
            ),
        ),
        DemoSession(
            "Round table: how clusters can help secure local growth by supporting or running "
            "innovation and economic infrastructures",
            SessionKind.ROUND_TABLE,
            _AGM_DAY,
            "14:30",
            "16:30",
            _AGM_ROOM,
            "Four cluster actors present their experience: NUMA, Silver Valley, the drone "
            "cluster of Essonne Développement and Plaine Images. An expert panel of the ECCP, "
            "the national territorial agency CGET and the public advisory and finance agency "
            "SCET reacts and suggests further actions.",
        ),
        DemoSession("Closing", SessionKind.CLOSING, _AGM_DAY, "16:30", "17:00", _AGM_ROOM),
    ),
)


# A fictitious upcoming workshop, open for registration ---------------------------------------

_DEMO_DAY_1 = date(2027, 10, 13)
_DEMO_DAY_2 = date(2027, 10, 14)
_DEMO_PLENARY = "Plenary room"
WORKSHOP_CHOICES = (
    "Circular economy of polymers",
    "Digital tools for industrial SMEs",
    "Skills and training for the industry of the future",
)

UPCOMING_WORKSHOP_2027 = DemoEvent(
    slug="clusters-meet-regions-demo-2027",
    title="Clusters meet Regions 2027 (demo event)",
    kind=EventKind.WORKSHOP,
    status=EventStatus.REGISTRATION_OPEN,
    timezone="Europe/Paris",
    start=datetime(2027, 10, 13, 9, 0),
    end=datetime(2027, 10, 14, 13, 0),
    topic="Industry of the future",
    target_audience="Cluster organisations, regional authorities and development agencies",
    venue="Venue to be confirmed",
    city="Lyon",
    country="FR",
    nuts_region="FRK26",
    languages="English",
    interpretation="English–French",
    capacity=120,
    registration_opens=datetime(2026, 9, 1, 9, 0),
    registration_closes=datetime(2027, 10, 6, 18, 0),
    ecosystems=("energy-intensive", "digital"),
    description=(
        "A fictitious event of the Clusterhub demo, not a real announcement: register to try "
        "the registration form, the waiting list, your ticket and cancellation. Two half days "
        "of plenary sessions and parallel workshops for clusters and regions on the industry "
        "of the future."
    ),
    questions=(
        DemoQuestion(
            "Which workshop would you like to join on the first afternoon?",
            QuestionKind.CHOICE,
            WORKSHOP_CHOICES,
            required=True,
        ),
        DemoQuestion("Would you like to book B2B meetings?", QuestionKind.YES_NO),
    ),
    sessions=(
        DemoSession(
            "Welcome and introduction",
            SessionKind.INTRODUCTION,
            _DEMO_DAY_1,
            "09:00",
            "09:45",
            _DEMO_PLENARY,
        ),
        DemoSession(
            "Panel: clusters and regions deploying the industry of the future",
            SessionKind.PANEL,
            _DEMO_DAY_1,
            "09:45",
            "11:00",
            _DEMO_PLENARY,
        ),
        DemoSession("Coffee break", SessionKind.BREAK, _DEMO_DAY_1, "11:00", "11:30", "Foyer"),
        DemoSession(
            "Regional good practices",
            SessionKind.PRESENTATION,
            _DEMO_DAY_1,
            "11:30",
            "12:30",
            _DEMO_PLENARY,
        ),
        DemoSession("Lunch", SessionKind.BREAK, _DEMO_DAY_1, "12:30", "14:00", "Foyer"),
        *(
            DemoSession(
                f"Workshop: {choice}",
                SessionKind.WORKSHOP,
                _DEMO_DAY_1,
                "14:00",
                "16:00",
                f"Room {number}",
            )
            for number, choice in enumerate(WORKSHOP_CHOICES, start=1)
        ),
        DemoSession("B2B meetings", SessionKind.NETWORKING, _DEMO_DAY_1, "16:30", "18:00", "Foyer"),
        DemoSession(
            "Workshop results and round table",
            SessionKind.ROUND_TABLE,
            _DEMO_DAY_2,
            "09:00",
            "11:00",
            _DEMO_PLENARY,
        ),
        DemoSession("Coffee break", SessionKind.BREAK, _DEMO_DAY_2, "11:00", "11:30", "Foyer"),
        DemoSession(
            "Closing conference", SessionKind.CLOSING, _DEMO_DAY_2, "11:30", "13:00", _DEMO_PLENARY
        ),
    ),
)


EVENTS: tuple[DemoEvent, ...] = (
    CLUSTERS_MEET_REGIONS_LYON,
    CLUSTERPLAST_2010,
    FRANCE_CLUSTERS_AGM_2016,
    UPCOMING_WORKSHOP_2027,
)


# Fictitious participants of 2010 ---------------------------------------------------------------

# Per country: first names and family names. Their counts are coprime, so the i-th participant
# of a country (i < len(first) * len(last)) gets a pair of names no other participant has.
NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "FR": (
        (
            "Amélie",
            "Antoine",
            "Camille",
            "Claire",
            "Julien",
            "Laurent",
            "Marion",
            "Nicolas",
            "Sophie",
            "Thomas",
        ),
        (
            "Bernard",
            "Blanc",
            "Chevalier",
            "Durand",
            "Fabre",
            "Garnier",
            "Girard",
            "Lambert",
            "Mercier",
            "Morel",
            "Perrin",
            "Roux",
            "Vidal",
        ),
    ),
    "AT": (("Andrea", "Markus", "Stefan"), ("Gruber", "Huber", "Mayr", "Wagner")),
    "ES": (("Carmen", "Javier", "Lucía"), ("García", "López", "Martínez", "Navarro")),
    "PT": (("Ana", "João", "Rui"), ("Ferreira", "Oliveira", "Santos", "Silva")),
    "BE": (("Els", "Pieter", "Sophie"), ("Dubois", "Janssens", "Maes", "Peeters")),
    "DE": (("Jörg", "Katrin", "Tobias"), ("Becker", "Fischer", "Schmidt", "Weber")),
    "CH": (("Beat", "Nadine", "Reto"), ("Brunner", "Keller", "Meier", "Steiner")),
    "NL": (("Anouk", "Bram", "Joost"), ("de Vries", "Jansen", "Smit", "Visser")),
    "SK": (("Jana", "Peter", "Zuzana"), ("Horváth", "Kováč", "Novák", "Varga")),
    "US": (("Emily", "Michael", "Sarah"), ("Miller", "Parker", "Reed", "Turner")),
}

# Invented organisation names by kind (the country is added in brackets) and job titles.
ORGANISATION_NAMES: dict[str, tuple[str, ...]] = {
    CLUSTER: ("Polymer cluster", "Plastics processing cluster", "Composites cluster"),
    COMPANY: ("Injection moulding company", "Film extrusion company", "Mould maker"),
    PUBLIC: ("Regional council", "Economic development agency", "Ministry of industry"),
    HIGHER_EDUCATION: ("University, polymer science department", "School of engineering"),
    RESEARCH: ("Polymer research centre", "Plastics technical centre"),
    OTHER: ("Plastics trade association", "Trade press"),
}
JOB_TITLES: dict[str, tuple[str, ...]] = {
    CLUSTER: ("Cluster manager", "Project manager"),
    COMPANY: ("Managing director", "R&D manager", "Production manager"),
    PUBLIC: ("Policy officer", "Head of economic development"),
    HIGHER_EDUCATION: ("Professor", "Lecturer"),
    RESEARCH: ("Researcher", "Head of laboratory"),
    OTHER: ("Delegate", "Journalist"),
}


@dataclass(frozen=True)
class DemoAttendee:
    first_name: str
    last_name: str
    country: str
    kind: str
    organisation_name: str
    job_title: str
    listing_consent: bool


def attendees(groups: tuple[DemoAttendance, ...]) -> list[DemoAttendee]:
    """The fictitious participants of ``groups``, always the same ones; about half consent
    to appear in the booklet."""
    out: list[DemoAttendee] = []
    per_country: dict[str, int] = {}
    for group in groups:
        first_names, last_names = NAMES[group.country]
        organisations = ORGANISATION_NAMES[group.kind]
        jobs = JOB_TITLES[group.kind]
        for j in range(group.count):
            i = per_country.get(group.country, 0)
            per_country[group.country] = i + 1
            out.append(
                DemoAttendee(
                    first_name=first_names[i % len(first_names)],
                    last_name=last_names[i % len(last_names)],
                    country=group.country,
                    kind=group.kind,
                    organisation_name=f"{organisations[j % len(organisations)]} ({group.country})",
                    job_title=jobs[j % len(jobs)],
                    listing_consent=len(out) % 2 == 0,
                )
            )
    return out
