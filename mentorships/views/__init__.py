"""Mentorship pages.

The members' side: workspace.py (their mentorships, the workspace, prompts, handbook),
meetings.py, goals.py and checkins.py, all finding their objects through access.py. The program
manager's side is manager.py (mentorships/urls_manager.py), the resource hub resources.py."""
