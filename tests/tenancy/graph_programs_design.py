"""Isolation-audit graph builder for programs: design. Registered by importing this module."""
