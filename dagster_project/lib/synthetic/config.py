"""Fixed parameters of the synthetic labeling world: projects, classes, people, texts.

Everything here is data. The numbers were chosen so that the background population looks like
a real labeling team (skewed scene sizes, classes of different difficulty, annotators of
different speed and accuracy) and so that the planted case studies stand out against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

SOURCE_TOOL = "synthetic"
DEFAULT_START = date(2026, 9, 7)  # a Monday (ISO 2026-W37)

STAFF_DOMAIN = "labelhouse.example"
VENDOR_DOMAIN = "crowdpixel.example"
CONTRACTOR_DOMAIN = "pixelforge-contract.example"

# ---------------------------------------------------------------------------------------------
# Workload model
# ---------------------------------------------------------------------------------------------
#: Background tasks one annotator handles over the whole run. The team grows with the volume
#: asked for, so that per-person figures (and the tail of "corrections received") look the same
#: at 50k and at 10M events.
TASKS_PER_ANNOTATOR = 240
MIN_ANNOTATORS = 6
ANNOTATORS_PER_REVIEWER = 5
ANNOTATORS_PER_LEAD = 25
#: Hard ceiling on corrections a background person receives over the run. Planted junior
#: (26) stays the person with the most corrections received at every scale.
BACKGROUND_CORRECTIONS_CAP = 20

OVERLAP_P = 0.08  # second annotator on the same task
THIRD_ANNOTATOR_P = 0.3  # of the overlapped tasks, a third one as well
GROUND_TRUTH_P = 0.02
ISSUE_P = 0.05
COMMENT_P = 0.025
ISSUE_TAGGED_P = 0.8
ISSUE_RESOLVED_P = 0.82
REASSIGN_AFTER_SKIP_P = 0.75
FORGOTTEN_TAB_P = 0.003
MAX_REVIEW_ROUNDS = 5
RE_REJECT_FACTOR = 0.3  # rejection probability of a reworked annotation, relative to the first

# Calendar: weekday weight 1, weekend days light.
DAY_WEIGHTS = (1.0, 1.04, 1.02, 0.98, 0.86, 0.1, 0.06)
WEEKEND_WORK_P = 0.35  # chance that a step landing on a weekend daytime happens right away
WORK_START_S = 8 * 3600
WORK_END_S = 18 * 3600


@dataclass(frozen=True)
class ClassSpec:
    name: str
    shape: str  # bbox | polygon | choice
    weight: float  # frequency among the objects of a scene
    seconds: float  # base seconds to draw/choose one object
    difficulty: float  # added rejection probability when the class is in an annotation
    vertices: tuple[int, int] = (4, 4)  # min, max vertices (polygons)
    size: tuple[float, float] = (3.0, 12.0)  # min, max extent in percent of the image
    per_vertex_s: float = 0.0


@dataclass(frozen=True)
class ProjectSpec:
    key: str
    share: float  # share of the background event volume
    classes: tuple[ClassSpec, ...]
    objects_mu: float  # scene size: 1 + lognormal(mu, sigma), capped at 30
    objects_sigma: float
    overhead_s: float  # per-task seconds on top of the objects
    review_p: float  # share of annotations that go through review
    fix_p: float  # after a rejection: reviewer fixes it (else it goes back to the author)
    lead_fix_p: float  # a lead edits someone's annotation before review
    guideline: tuple[str, ...]  # versions; a second one starts in the drift week
    confidence: bool  # tool records the annotator's confidence
    reviewers: tuple[str, ...]  # fixed core reviewers (always present)
    leads: tuple[str, ...]  # fixed leads (ground truth, lead corrections)
    core_annotators: tuple[str, ...] = ()  # fixed annotators that also do background work
    vendor_share: float = 0.3
    transit_p: float = 0.0  # streets: scenes at bus stops/terminals (the only ones with buses)

    @property
    def project_id(self) -> str:
        return f"proj-{self.key}"


def _bbox(name, weight, seconds, difficulty, size):
    return ClassSpec(name, "bbox", weight, seconds, difficulty, (4, 4), size)


def _poly(name, weight, seconds, difficulty, vertices, size, per_vertex=0.9):
    return ClassSpec(name, "polygon", weight, seconds, difficulty, vertices, size, per_vertex)


def _choice(name, weight, seconds, difficulty):
    return ClassSpec(name, "choice", weight, seconds, difficulty, (0, 0), (0.0, 0.0))


PROJECTS: tuple[ProjectSpec, ...] = (
    ProjectSpec(
        key="streets",
        share=0.26,
        classes=(
            _bbox("car", 0.44, 5.0, 0.002, (3.0, 14.0)),
            _bbox("truck", 0.09, 6.5, 0.006, (6.0, 22.0)),
            # bus only appears in transit scenes; difficulty gives ~35 % rejected annotations.
            _bbox("bus", 0.0, 7.5, 0.33, (8.0, 30.0)),
            _poly("pedestrian", 0.22, 3.0, 0.005, (6, 20), (1.0, 6.0)),
            _poly("cyclist", 0.07, 3.5, 0.008, (6, 24), (1.5, 7.0)),
            _bbox("traffic_light", 0.10, 3.5, 0.004, (0.8, 3.0)),
            _poly("traffic_sign", 0.08, 2.5, 0.003, (3, 8), (0.8, 4.0)),
        ),
        objects_mu=1.45,
        objects_sigma=0.8,
        overhead_s=12.0,
        review_p=1.0,
        fix_p=0.4,
        lead_fix_p=0.006,
        guideline=("v3",),
        confidence=False,
        reviewers=("daniel.kowalski", "hana.novak"),
        leads=("victor.almeida",),
        transit_p=0.07,
    ),
    ProjectSpec(
        key="retail",
        share=0.2,
        classes=(
            _bbox("product", 0.55, 3.5, 0.006, (3.0, 10.0)),
            _bbox("price_tag", 0.24, 3.0, 0.010, (1.0, 4.0)),
            _poly("shelf", 0.10, 3.0, 0.020, (4, 12), (20.0, 90.0), 0.7),
            _bbox("promo_sign", 0.07, 4.0, 0.012, (5.0, 20.0)),
            _bbox("empty_slot", 0.04, 4.5, 0.030, (3.0, 10.0)),
        ),
        objects_mu=1.3,
        objects_sigma=0.6,
        overhead_s=2.0,
        review_p=1.0,
        fix_p=0.45,
        lead_fix_p=0.005,
        guideline=("v2",),
        confidence=False,
        reviewers=("oliver.grant", "mei.chen"),
        leads=("julia.hoffmann",),
    ),
    ProjectSpec(
        key="aerial",
        share=0.14,
        classes=(
            _poly("building", 0.40, 3.0, 0.015, (6, 40), (2.0, 15.0), 1.0),
            _poly("road", 0.15, 4.0, 0.020, (8, 40), (10.0, 60.0), 1.0),
            _bbox("vehicle", 0.25, 3.5, 0.008, (0.5, 2.5)),
            _poly("tree", 0.12, 2.5, 0.012, (5, 15), (1.0, 6.0), 0.8),
            _poly("water", 0.04, 4.0, 0.025, (10, 40), (5.0, 40.0), 1.0),
            _poly("solar_panel", 0.04, 3.0, 0.018, (4, 8), (0.5, 3.0), 0.8),
        ),
        objects_mu=1.2,
        objects_sigma=0.7,
        overhead_s=20.0,
        review_p=1.0,
        fix_p=0.0,  # review_bottleneck: the only corrections in this project are planted
        lead_fix_p=0.0,
        guideline=("v1",),
        confidence=False,
        reviewers=("tomasz.wojcik", "amara.okafor"),
        leads=("marta.silva",),
        core_annotators=(
            "jonas.berg",
            "keiko.tanaka",
            "rafael.moreno",
            "ines.duarte",
            "samuel.adeyemi",
        ),
    ),
    ProjectSpec(
        key="medical",
        share=0.14,
        classes=(
            _choice("normal", 0.45, 22.0, 0.010),
            _choice("benign", 0.25, 30.0, 0.025),
            _choice("malignant", 0.12, 38.0, 0.040),
            _choice("inconclusive", 0.10, 34.0, 0.060),
            _choice("artifact", 0.08, 18.0, 0.020),
        ),
        objects_mu=0.0,
        objects_sigma=0.0,
        overhead_s=6.0,
        review_p=1.0,
        fix_p=0.3,
        lead_fix_p=0.004,
        guideline=("v1", "v2"),
        confidence=True,
        reviewers=("elena.petrova", "david.cohen"),
        leads=("ruth.abebe",),
        vendor_share=0.0,
    ),
    ProjectSpec(
        key="docs",
        share=0.14,
        classes=(
            _choice("invoice", 0.30, 14.0, 0.010),
            _choice("receipt", 0.25, 10.0, 0.012),
            _choice("contract", 0.12, 24.0, 0.020),
            _choice("letter", 0.15, 16.0, 0.020),
            _choice("form", 0.12, 15.0, 0.025),
            _choice("other", 0.06, 18.0, 0.080),
        ),
        objects_mu=0.0,
        objects_sigma=0.0,
        overhead_s=4.0,
        review_p=1.0,
        fix_p=0.45,
        lead_fix_p=0.005,
        guideline=("v1",),
        confidence=True,
        reviewers=("lucas.ferreira", "aisha.rahman"),
        leads=("felix.wagner",),
    ),
    ProjectSpec(
        key="sentiment",
        share=0.12,
        classes=(
            _choice("positive", 0.40, 7.0, 0.010),
            _choice("negative", 0.30, 7.5, 0.015),
            _choice("neutral", 0.22, 8.0, 0.030),
            _choice("mixed", 0.08, 10.0, 0.090),
        ),
        objects_mu=0.0,
        objects_sigma=0.0,
        overhead_s=3.0,
        review_p=0.25,  # spot-check review only
        fix_p=0.5,
        lead_fix_p=0.002,
        guideline=("v2",),
        confidence=True,
        reviewers=("emma.larsen", "kofi.mensah"),
        leads=("nina.koval",),
        vendor_share=0.5,
    ),
)

PROJECTS_BY_KEY = {p.key: p for p in PROJECTS}

#: Prior of events per background task, per project (refined while generating).
EVENTS_PER_TASK_PRIOR = {
    "streets": 8.6,
    "retail": 8.6,
    "aerial": 8.7,
    "medical": 8.6,
    "docs": 8.6,
    "sentiment": 6.2,
}

# ---------------------------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------------------------
FIRST_NAMES = (
    "ada",
    "adrian",
    "agnes",
    "ahmed",
    "alba",
    "aleksander",
    "alice",
    "amir",
    "ana",
    "anders",
    "andrea",
    "anja",
    "arjun",
    "astrid",
    "ben",
    "bianca",
    "carla",
    "carlos",
    "chen",
    "chiara",
    "clara",
    "dario",
    "diego",
    "dmitri",
    "eero",
    "elif",
    "eliza",
    "emil",
    "erik",
    "esra",
    "farah",
    "fatima",
    "finn",
    "gabriel",
    "greta",
    "hamza",
    "hannah",
    "hugo",
    "ida",
    "igor",
    "ingrid",
    "isaac",
    "ivan",
    "jana",
    "jin",
    "joao",
    "karim",
    "kasia",
    "kenji",
    "lara",
    "leon",
    "lina",
    "luca",
    "luis",
    "malik",
    "marco",
    "maria",
    "mateo",
    "mila",
    "nadia",
    "nils",
    "nora",
    "omar",
    "oskar",
    "paula",
    "pedro",
    "petra",
    "rania",
    "rosa",
    "ruben",
    "sara",
    "selin",
    "simon",
    "sven",
    "tariq",
    "theo",
    "ugo",
    "vera",
    "yara",
    "zoe",
)
LAST_NAMES = (
    "aalto",
    "acosta",
    "bakker",
    "banerjee",
    "becker",
    "bianchi",
    "blom",
    "brandt",
    "carvalho",
    "castillo",
    "dahl",
    "demir",
    "dubois",
    "eriksen",
    "esposito",
    "farouk",
    "fontaine",
    "garcia",
    "gomes",
    "greco",
    "haddad",
    "hansen",
    "horvat",
    "ibrahim",
    "ito",
    "jansen",
    "jensen",
    "kaplan",
    "keller",
    "kim",
    "koch",
    "kovac",
    "kraus",
    "laine",
    "lambert",
    "lee",
    "lopez",
    "lund",
    "martin",
    "mehta",
    "meyer",
    "molina",
    "moretti",
    "nagy",
    "nakamura",
    "nguyen",
    "nielsen",
    "olsen",
    "ortiz",
    "park",
    "patel",
    "pereira",
    "popescu",
    "quinn",
    "reyes",
    "ricci",
    "rossi",
    "ruiz",
    "saito",
    "santos",
    "schmidt",
    "sato",
    "shah",
    "silva",
    "singh",
    "sorensen",
    "stein",
    "suzuki",
    "takahashi",
    "torres",
    "varga",
    "vogel",
    "walsh",
    "weber",
    "winter",
    "yilmaz",
    "young",
    "zhang",
    "zimmer",
    "zoric",
)

# ---------------------------------------------------------------------------------------------
# Issues and comments
# ---------------------------------------------------------------------------------------------
ISSUE_TAGS = (
    "blurry_image",
    "wrong_label",
    "label_too_large",
    "ontology_mismatch",
    "occluded_object",
    "unclear_guideline",
)
ISSUE_TAG_WEIGHTS = (0.22, 0.2, 0.12, 0.14, 0.16, 0.16)
#: Tags a reviewer raises about the annotation; the others are raised by the annotator.
REVIEWER_TAGS = frozenset({"wrong_label", "label_too_large"})

ISSUE_TEXTS = {
    "blurry_image": (
        "Image is blurry, hard to see the object edges.",
        "Motion blur on most of the frame, boxes are a guess.",
        "Out of focus, please check if this should be skipped.",
    ),
    "wrong_label": (
        "Second object looks like the wrong class.",
        "Class does not match what is visible, please relabel.",
        "I think this was labeled as the wrong category.",
    ),
    "label_too_large": (
        "Box includes a lot of background, too loose.",
        "Polygon extends past the object boundary.",
        "Boxes are too big, please tighten them.",
    ),
    "ontology_mismatch": (
        "There is no class for this object in the ontology.",
        "The object fits two classes, ontology needs a decision.",
        "Label set does not cover this case.",
    ),
    "occluded_object": (
        "Object is half hidden behind another one, label the visible part?",
        "Heavily occluded, not sure whether to include it.",
        "Occlusion: only the top of the object is visible.",
    ),
    "unclear_guideline": (
        "Guideline does not say how to handle this case.",
        "Unclear from the instructions whether reflections count.",
        "Need clarification on the guideline for edge cases like this.",
    ),
}
#: Issues raised without a tag, whose text implies one (the warehouse may classify them).
UNTAGGED_ISSUE_TEXTS = {
    "blurry_image": ("cant see anything, the photo is super blurry", "very blurry scan"),
    "wrong_label": ("this one is labeled as the wrong thing I think", "label looks wrong"),
    "label_too_large": ("the box is way too big here", "shape is too large, covers background"),
    "ontology_mismatch": (
        "what class do we use for this? nothing fits",
        "missing category for this item",
    ),
    "occluded_object": ("object hidden behind a pole, do we label it?", "partly covered object"),
    "unclear_guideline": (
        "not sure what the instructions want here",
        "guideline is ambiguous for this",
    ),
}
RESOLUTION_TEXTS = (
    "Fixed.",
    "Relabeled, thanks.",
    "Clarified with the team, see updated guideline.",
    "Keep as is.",
    "Done, skipped the unclear object.",
)
COMMENT_TEXTS = (
    "Looks good to me.",
    "Please double check the small objects at the edge.",
    "Took longer because of the crowd in the background.",
    "Tricky one, flagged for the weekly sync.",
    "Note: second pass done.",
    "Same scene as the previous task?",
)
