"""Isolation-audit graph builder for programs: recruitment. Registered by importing this module."""
