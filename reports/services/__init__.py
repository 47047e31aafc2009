"""Reports services: every write of the reports app."""
