"""Report pages. Thin: every figure comes from reports.selectors (small snapshot tables), the ROI
from reports.services.roi, files from reports.exports; who may read what is decided in access."""
