"""Isolation-audit routes for programs: training."""

from .registry import tenant_route

# Pages: managers' modules, quiz builder, overview; participants' training.
tenant_route("programs:training", pk="program")
tenant_route("programs:training-module-create", pk="program")
tenant_route("programs:training-preview", pk="program")
tenant_route("programs:training-overview", pk="program")
tenant_route("programs:my-training", pk="program")
tenant_route("programs:training-module", pk="program", module_pk="training_module")
tenant_route("programs:training-module-edit", pk="program", module_pk="training_module")
tenant_route("programs:training-module-delete", pk="program", module_pk="training_module")
tenant_route("programs:training-module-move", pk="program", module_pk="training_module")

# API. Every route of a viewset names its foreign-key filters (the audit checks each).
MODULE_BODY = {"title": "Audit module", "content": "Audit content."}
MODULE_QUERY = {"program": "program"}
tenant_route("training-module-list", body={"program": "program"}, base_body=MODULE_BODY, query=MODULE_QUERY)
tenant_route("training-module-detail", pk="training_module", query=MODULE_QUERY)
tenant_route("training-module-reorder", body={"program": "program"}, base_body={"modules": []}, query=MODULE_QUERY)
COMPLETION_QUERY = {"module": "training_module", "enrollment": "enrollment"}
tenant_route(
    "training-completion-list",
    body={"module": "training_module"},
    base_body={"quiz_answers": [0], "acknowledged": True},
    query=COMPLETION_QUERY,
)
tenant_route("training-completion-detail", pk="training_completion", query=COMPLETION_QUERY)
tenant_route("program-matching-pool", pk="program")
