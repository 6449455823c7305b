"""SQLModel tables only, no behaviour. Importing this package registers every table."""
from engine.models import core, kms, grants, imports, csms, events, webhooks  # noqa: F401
from engine.models import iam_groups  # noqa: F401
from engine.models import access_keys  # noqa: F401
