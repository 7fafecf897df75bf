"""The roles and expectation sets of the role × route authorization matrix (tests/test_authorization.py).

Areas keep their rows in their own modules (tests/artisans/authz_*.py: ROWS and world(users)), merged
into the matrix by test_authorization.py.
"""

from __future__ import annotations

ROLES = ["anonymous", "admin", "organizer", "juror", "council_member", "facility"]
ALLOW, LOGIN, DENY, HIDDEN = "allow", "login", "deny", "hidden"


def _expect(anonymous: str, admin: str, organizer: str, juror: str, council: str, facility: str) -> dict[str, str]:
    return dict(zip(ROLES, [anonymous, admin, organizer, juror, council, facility], strict=True))


PUBLIC = _expect(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW)
SIGNED_IN = _expect(LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW)
ADMIN_ONLY = _expect(LOGIN, ALLOW, DENY, DENY, DENY, DENY)
INVITERS = _expect(LOGIN, ALLOW, ALLOW, DENY, DENY, DENY)
FACILITY_ONLY = _expect(LOGIN, DENY, DENY, DENY, DENY, ALLOW)
OWNER_ONLY = _expect(LOGIN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN)  # facility A's member is not in the table
ROUND_ORGANIZERS = _expect(LOGIN, ALLOW, ALLOW, DENY, DENY, DENY)
DOSSIER_READERS = _expect(LOGIN, ALLOW, ALLOW, HIDDEN, HIDDEN, HIDDEN)
JURORS = _expect(LOGIN, DENY, DENY, ALLOW, DENY, DENY)
# The juror is not appointed to the world's round, which is still taking registrations: they see
# nothing of it (404), as no juror sees anything before judging.
JURORS_HIDDEN = _expect(LOGIN, DENY, DENY, HIDDEN, DENY, DENY)
