"""A whole journey through Haven's API using only a client generated from its OpenAPI document
by openapi-python-client: register, screen, consent, refer, accept, protection, close, export.

Run by tests/it/client.rs, which starts the server, makes the tokens and generates the client:
HAVEN_CLIENT_DIR (where `haven_client` was generated), HAVEN_URL, HAVEN_WORKER_TOKEN,
HAVEN_PROVIDER_TOKEN, HAVEN_PROVIDER_AGENCY. Every answer must parse into the type the
document promises; a problem document or a raw answer is a failure.
"""
import datetime
import os
import sys
import uuid

sys.path.insert(0, os.environ["HAVEN_CLIENT_DIR"])

from haven_client import AuthenticatedClient  # noqa: E402
from haven_client.api.cases import close_case, create_case, get_case, record_consent  # noqa: E402
from haven_client.api.exports import export_cases  # noqa: E402
from haven_client.api.protection import get_protection, save_section  # noqa: E402
from haven_client.api.referrals import create_referral, get_referral, move_referral  # noqa: E402
from haven_client.api.screening import create_screening  # noqa: E402
from haven_client.models import (  # noqa: E402
    CaseData,
    CaseDataRegion,
    CaseDocument,
    CaseRecord,
    CloseRequest,
    ConsentRequest,
    Created,
    ExportRequestBody,
    ItemCreated,
    MoveRequest,
    PersonData,
    PersonDataGender,
    ProtectionDoc,
    ReferralRequest,
    ReferralView,
    ScreeningRequest,
    ScreeningView,
    SectionRequest,
    VictimData,
    VictimDataTraffickingStatus,
    VictimDataTypeOfExploitationItem,
)

base = os.environ["HAVEN_URL"]
worker = AuthenticatedClient(base_url=base, token=os.environ["HAVEN_WORKER_TOKEN"])
provider = AuthenticatedClient(base_url=base, token=os.environ["HAVEN_PROVIDER_TOKEN"])
agency = os.environ["HAVEN_PROVIDER_AGENCY"]
today = datetime.date.today().isoformat()


def typed(answer, kind):
    assert isinstance(answer, kind), f"expected {kind.__name__}, got {answer!r}"
    return answer


def status(response, expected):
    assert response.status_code == expected, f"{response.status_code}: {response.content!r}"


# Register a person and open a case (with an idempotency key: a retry answers the same).
record = CaseRecord(
    person=PersonData(first_name="Clienta", gender=PersonDataGender.FEMININE, assessed_age=30),
    victim=VictimData(
        trafficking_status=VictimDataTraffickingStatus.POSSIBLEVICTIMOFTRAFFICKING,
        type_of_exploitation=[VictimDataTypeOfExploitationItem.FORCEDLABOUR],
    ),
    case=CaseData(region=CaseDataRegion.GY_CU),
)
key = str(uuid.uuid4())
case = typed(create_case.sync(client=worker, body=record, idempotency_key=key), Created)
again = typed(create_case.sync(client=worker, body=record, idempotency_key=key), Created)
assert again.id == case.id, (again.id, case.id)

# Screen the person on the case.
screening = typed(
    create_screening.sync(client=worker, body=ScreeningRequest(consent=True, case_id=case.id)),
    ScreeningView,
)
assert screening.case_id == case.id

# Consent, then refer to the provider's agency.
typed(
    record_consent.sync(
        case.id,
        client=worker,
        body=ConsentRequest(purpose="referral", agency_id=agency, given_by="person", form="oral"),
    ),
    ItemCreated,
)
referral = typed(
    create_referral.sync(
        case.id,
        client=worker,
        body=ReferralRequest(
            to_agency_id=agency,
            services=["material_assistance"],
            urgency="routine",
            reason="Food and clothing",
            sections=["identity"],
            send=True,
        ),
    ),
    ItemCreated,
)

# The provider accepts and then sees the shared part of the case.
status(move_referral.sync_detailed(referral.id, "accept", client=provider, body=MoveRequest()), 204)
seen = typed(get_referral.sync(referral.id, client=provider), ReferralView)
assert seen.status == "accepted", seen.status

# Protection: a risk assessment, read back.
typed(
    save_section.sync(
        case.id,
        "risk",
        client=worker,
        body=SectionRequest(
            kind="intake",
            level="High",
            assessed_on=today,
            safety_plan="Stays at the shelter; daily check-in call",
        ),
    ),
    ItemCreated,
)
protection = typed(get_protection.sync(case.id, client=worker), ProtectionDoc)
assert len(protection.risks) == 1 and protection.risks[0].level == "High"

# Close the case; the case document says so.
status(
    close_case.sync_detailed(case.id, client=worker, body=CloseRequest(reason="Other", note="Done")),
    204,
)
closed = typed(get_case.sync(case.id, client=worker), CaseDocument)
assert closed.closed_at is not None

# Export the agency's cases: the closed case is in the file.
exported = export_cases.sync_detailed(client=worker, body=ExportRequestBody(format_="csv"))
status(exported, 200)
assert case.case_number.encode() in exported.content

print("journey done:", case.case_number)
