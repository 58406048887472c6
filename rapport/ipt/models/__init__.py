from rapport.ipt.models.diagnosis import EpisodeDiagnosis
from rapport.ipt.models.episodes import (
    Contract,
    DisputeStageAssessment,
    Episode,
    EpisodeTask,
    Goal,
)
from rapport.ipt.models.family import CaregiverContact, ResponseRespondent
from rapport.ipt.models.inventory import ClosenessRating, InventoryPerson, TimelineEvent
from rapport.ipt.models.notes import (
    Addendum,
    CosignReview,
    FidelityRating,
    ProcessNote,
    SessionNote,
)
from rapport.ipt.models.participants import (
    ConfidentialityAgreement,
    ConsentRecord,
    Participant,
    ParticipantAttendance,
)
from rapport.ipt.models.plan import ClientSummary
from rapport.ipt.models.practice import PracticeAssignment, PracticeEntry, PracticeKind
from rapport.ipt.models.termination import MaintenancePlan
from rapport.ipt.models.variants import VariantChange

__all__ = [
    "Addendum",
    "CaregiverContact",
    "ClientSummary",
    "ClosenessRating",
    "ConfidentialityAgreement",
    "ConsentRecord",
    "Contract",
    "CosignReview",
    "DisputeStageAssessment",
    "Episode",
    "EpisodeDiagnosis",
    "EpisodeTask",
    "FidelityRating",
    "Goal",
    "InventoryPerson",
    "MaintenancePlan",
    "Participant",
    "ParticipantAttendance",
    "PracticeAssignment",
    "PracticeEntry",
    "PracticeKind",
    "ProcessNote",
    "ResponseRespondent",
    "SessionNote",
    "TimelineEvent",
    "VariantChange",
]
