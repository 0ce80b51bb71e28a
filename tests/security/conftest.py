from tests.supervision.conftest import make_poll  # noqa: F401 - the vote tests' poll factory
