"""Program services: every write, one module per area. Each area adds its own import lines."""

from .design import (  # noqa: F401
    objective_create,
    objective_delete,
    objective_update,
    program_copy_cycle,
    program_create,
    program_create_from_template,
    program_manager_add,
    program_manager_remove,
    program_transition,
    program_update,
)
from .recruitment import (  # noqa: F401
    enrollment_apply,
    enrollment_decide,
    enrollment_withdraw,
    enrollments_withdraw_departed,
    nomination_create,
    nomination_respond,
    program_invite_emails,
    program_invite_segment,
)
from .training import (  # noqa: F401
    training_module_create,
    training_module_delete,
    training_module_reorder,
    training_module_update,
    training_submit,
)
