"""Program selectors: reads more than one filter, one module per area. Each area adds its own import lines."""

from .design import (  # noqa: F401
    program_cards,
    program_readiness,
    readiness_checks,
)
from .matching import matching_pool  # noqa: F401
from .recruitment import (  # noqa: F401
    invitation_stats,
    my_enrollments,
    nominations_by_manager,
    nominations_for_nominee,
    person_for_user,
    review_counts,
    review_queue,
)
from .training import modules_for, program_training_overview, training_status  # noqa: F401
