from tests.proposals.conftest import category, lead, make_deputy, session, term  # noqa: F401
from tests.supervision.conftest import make_poll  # noqa: F401 - the vote tests' poll factory
