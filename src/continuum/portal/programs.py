"""What the public reads about the Collaborative Reform Initiative: its goals, its three programs, the questions
a chief asks before requesting assistance, and how to reach the program. Kept as data, one place, so the
program pages, the FAQ, the home page and the footer say the same thing."""

from dataclasses import dataclass, field

from continuum.catalog.models import Program

CONTACT_EMAIL = "TechnicalAssistance@usdoj.gov"
RESPONSE_CENTER_PHONE = "1-800-421-6770"
RESPONSE_CENTER_HOURS = "Monday through Friday, 9:00 a.m. to 5:00 p.m. Eastern time"

GOALS = [
    "Improve trust between law enforcement agencies and the communities they serve.",
    "Help agencies put evidence-based and promising practices into effect, by the field, for the field.",
    "Respond quickly to critical incidents and issues of community concern, before they become crises.",
    "Make the work transparent: findings, recommendations and progress are published for the community to read.",
]


@dataclass(frozen=True)
class ProgramPage:
    slug: str
    program: str
    name: str
    tagline: str
    intro: str
    offers: list[tuple[str, str]]
    who: str
    steps: list[tuple[str, str]]
    good_to_know: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return Program(self.program).label


PROGRAMS = [
    ProgramPage(
        slug="cri-tac",
        program=Program.CRI_TAC,
        name="CRI-TAC: the Technical Assistance Center",
        tagline="Short, targeted help on more than 60 topics, by the field, for the field.",
        intro=(
            "The Collaborative Reform Initiative Technical Assistance Center (CRI-TAC) answers an agency's specific "
            "need quickly, through a consortium of law enforcement associations whose members are practitioners: "
            "chiefs, sheriffs, trainers and specialists who have faced the same problem in their own agencies."
        ),
        offers=[
            (
                "Training",
                "On-site or virtual training for the agency's officers, supervisors or command staff.",
            ),
            (
                "Policy review",
                "A review of the agency's policies and procedures against current standards and "
                "promising practices, with written suggestions.",
            ),
            (
                "Consultation",
                "Advice from a subject-matter expert on a program, a plan or a decision in progress.",
            ),
            ("Peer exchange", "A visit to, or from, an agency that has already done what yours is planning."),
            ("Resources", "Model policies, guides and other materials from the partner associations."),
        ],
        who=(
            "Any state, local, county, tribal, campus or territorial law enforcement agency of any size. The request "
            "comes from the agency's chief executive, or from someone they authorize in writing."
        ),
        steps=[
            ("Request", "Describe the need and choose the topics (see the topic catalog)."),
            (
                "Route",
                "Program staff confirm the request and route it to the partner association best placed to help.",
            ),
            ("Plan", "The partner and the agency agree on what will be delivered, by whom and when."),
            ("Deliver", "The partner delivers the training, review or consultation, often within weeks."),
            (
                "Follow up",
                "The agency is asked how useful the assistance was, so the program keeps improving.",
            ),
        ],
        good_to_know=[
            "Most CRI-TAC assistance is delivered within a few months of the request.",
            "Assistance is tailored: a policy review for a 12-officer department looks different from one for a "
            "major city.",
        ],
    ),
    ProgramPage(
        slug="critical-response",
        program=Program.CRITICAL_RESPONSE,
        name="Critical Response",
        tagline="Targeted help after a high-profile event or on an issue of community concern.",
        intro=(
            "When an event or an issue tests the relationship between an agency and its community, Critical "
            "Response provides technical assistance targeted to it, quickly and by people who have been there. "
            "It comes in three kinds, which can be combined."
        ),
        offers=[
            (
                "Immediate technical assistance",
                "Confidential consultation with the agency's leadership, onsite "
                "peer briefings, community outreach and training, in the hours and days after an event.",
            ),
            (
                "Data analysis",
                "An independent analysis of the agency's own data: racial profiling and traffic "
                "stops, use of force, arrests, staffing and workload.",
            ),
            (
                "After-action review",
                "A review of how the agency prepared for and responded to a critical incident, "
                "with findings and recommendations, published in a public report.",
            ),
        ],
        who=(
            "Any state, local, county, tribal, campus or territorial law enforcement agency facing a critical "
            "incident or an issue of community concern. The request comes from the agency's chief executive, or "
            "from someone they authorize in writing."
        ),
        steps=[
            ("Request", "Tell the program what happened and what help you need; mark it urgent if it is."),
            (
                "Assess and define",
                "Program staff call the agency to understand the need and agree on what fits.",
            ),
            (
                "Work plan",
                "A work plan names the assistance, the subject-matter experts and the staff; the agency "
                "reviews and approves it.",
            ),
            ("Delivery", "The team works with the agency, with regular communication throughout."),
            (
                "Public report",
                "Reviews and analyses end with a public report of findings and recommendations.",
            ),
        ],
        good_to_know=[
            "Requests tied to a pending investigation or litigation are unlikely to be approved.",
            "Immediate assistance can stay confidential; reviews and analyses end in a public report.",
        ],
    ),
    ProgramPage(
        slug="organizational-assessment",
        program=Program.ORGANIZATIONAL_ASSESSMENT,
        name="Organizational Assessment",
        tagline="A long, in-depth assessment, with public progress reports on the agency's implementation.",
        intro=(
            "An Organizational Assessment examines an agency as a whole, or a core part of it such as its use of "
            "force, over many months: its policies, training, supervision, accountability and community "
            "engagement. It ends in a public report of findings and recommendations, and the program then tracks "
            "and publishes the agency's progress in putting each recommendation into effect."
        ),
        offers=[
            (
                "Assessment",
                "Interviews, ride-alongs, community listening sessions, a review of policies and "
                "training, and an analysis of the agency's data.",
            ),
            (
                "Findings and recommendations",
                "A public report that says what the assessment found and what the agency should do about it.",
            ),
            (
                "Implementation support",
                "Technical assistance while the agency carries out the recommendations.",
            ),
            (
                "Progress reports",
                "Routine public reports of which recommendations are complete, in progress or "
                "not yet started, with the evidence.",
            ),
        ],
        who=(
            "A state, local, county, tribal, campus or territorial law enforcement agency ready to commit to a "
            "long, public process. The request comes from the agency's chief executive."
        ),
        steps=[
            ("Request", "The chief executive asks for an assessment and explains why."),
            ("Assess and define", "Program staff and the agency agree on the scope and the timeline."),
            (
                "Work plan",
                "The work plan names the assessment team and the activities; the agency approves it.",
            ),
            (
                "Assessment and report",
                "The team assesses the agency and publishes its findings and recommendations.",
            ),
            (
                "Progress reports",
                "The program publishes progress reports until the recommendations are in place.",
            ),
        ],
        good_to_know=[
            "An assessment usually takes a year or more, and progress reports continue after it.",
            "It is voluntary and collaborative: it is not an investigation and carries no enforcement.",
        ],
    ),
]
BY_SLUG = {page.slug: page for page in PROGRAMS}
BY_PROGRAM = {page.program: page for page in PROGRAMS}


@dataclass(frozen=True)
class Question:
    slug: str
    question: str
    answer: list[str]


FAQ: list[tuple[str, list[Question]]] = [
    (
        "Asking for assistance",
        [
            Question(
                "who-may-ask",
                "Who may ask for technical assistance?",
                [
                    "Any state, local, county, tribal, campus or territorial law enforcement agency in the United "
                    "States, "
                    "of any size.",
                ],
            ),
            Question(
                "who-submits",
                "Who in the agency submits the request?",
                [
                    "The agency's chief executive (chief of police, sheriff, director or commissioner), or someone the "
                    "chief executive authorizes in writing. A liaison who submits the request attaches the written "
                    "authorization, or the program asks the chief executive to confirm it.",
                ],
            ),
            Question(
                "cost",
                "What does it cost the agency?",
                [
                    "Nothing: the assistance is provided at no cost. The program does not pay for the agency's own "
                    "personnel (such as overtime) or equipment.",
                ],
            ),
            Question(
                "which-program",
                "Which program should we ask for?",
                [
                    "Ask for what you need in your own words and choose the program that seems closest; program staff "
                    "will talk it through with you. In short: CRI-TAC for a specific, short need; Critical Response "
                    "after "
                    "an event or on an issue of community concern; an Organizational Assessment for a long, in-depth "
                    "look "
                    "at the agency.",
                ],
            ),
            Question(
                "litigation",
                "Can we ask while an investigation or lawsuit is pending?",
                [
                    "You can ask, but requests tied to a pending investigation or litigation are unlikely to be "
                    "approved. "
                    "Describe the matter on the request form so program staff can assess it.",
                ],
            ),
            Question(
                "urgent",
                "What if the need is urgent?",
                [
                    f"Mark the request as urgent and call the COPS Office Response Center at {RESPONSE_CENTER_PHONE} "
                    f"({RESPONSE_CENTER_HOURS}). Immediate technical assistance can begin within days.",
                ],
            ),
        ],
    ),
    (
        "After you ask",
        [
            Question(
                "what-next",
                "What happens after we submit the request?",
                [
                    "You receive a tracking number at once. Program staff review the request, usually within a few "
                    "business days, and contact the agency to understand the need and agree on what help fits.",
                ],
            ),
            Question(
                "status",
                "How do we follow the request?",
                [
                    "With the tracking number and the requester's e-mail address on the request status page. Once the "
                    "request is accepted, the agency's people follow the work in their workspace.",
                ],
            ),
            Question(
                "work-plan",
                "Who decides what the assistance will be?",
                [
                    "The agency does, with the program: a work plan names the assistance, the subject-matter experts "
                    "and "
                    "the staff, and the agency reviews, comments on and approves it before delivery begins.",
                ],
            ),
            Question(
                "commitment",
                "What does the agency commit to?",
                [
                    "Time and access: a point of contact, the people the team needs to meet, the documents and data it "
                    "needs to review, and regular communication. Participation is voluntary throughout.",
                ],
            ),
            Question(
                "how-long",
                "How long does it take?",
                [
                    "CRI-TAC assistance often takes weeks; a Critical Response review or analysis a few months; an "
                    "Organizational Assessment a year or more, followed by progress reports.",
                ],
            ),
        ],
    ),
    (
        "Results and data",
        [
            Question(
                "public",
                "Will the results be public?",
                [
                    "Reviews, analyses and assessments end with a public report of findings and recommendations, and "
                    "sites are listed publicly with the agency, the provider, the intent, the type of assistance and "
                    "the "
                    "topics. Immediate assistance such as a confidential consultation can stay confidential.",
                ],
            ),
            Question(
                "data",
                "What happens to the data we share?",
                [
                    "Data files are uploaded to the agency's own site in Continuum, seen only by the site's team and "
                    "the "
                    "agency, stored with civilian personal identifiers removed and officer identifiers replaced by a "
                    "keyed "
                    "code, and used only for the agreed analysis.",
                ],
            ),
            Question(
                "investigation",
                "Is this an investigation?",
                [
                    "No. The Collaborative Reform Initiative is voluntary, non-adversarial technical assistance "
                    "requested "
                    "by the agency. It is not an investigation, and it carries no enforcement.",
                ],
            ),
            Question(
                "providers",
                "Who delivers the assistance?",
                [
                    "Partner law enforcement associations (for CRI-TAC) and technical assistance providers chosen by "
                    "the "
                    "program, with subject-matter experts who are practitioners in the field.",
                ],
            ),
        ],
    ),
]
