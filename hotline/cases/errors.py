"""What a refused action raises. Each carries a stable code for the API and
a message in the user's language."""


class WorkflowError(Exception):
    code = "workflow_error"

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(WorkflowError):
    """The actor lacks the role, or holds it in the wrong unit."""

    code = "not_allowed"


class WrongState(WorkflowError):
    """The action does not fit the state the case is in."""

    code = "wrong_state"


class CaseChanged(WorkflowError):
    """Someone else changed the case since the user loaded it."""

    code = "case_changed"


class InvalidInput(WorkflowError):
    code = "invalid_input"
