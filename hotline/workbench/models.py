from django.db import models


class IntakeSubmission(models.Model):
    """One intake form, one case: a double submit finds the first case."""

    token = models.UUIDField(unique=True)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return str(self.token)
