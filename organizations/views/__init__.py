from .account import home, invitation_accept, landing

__all__ = ["home", "invitation_accept", "landing"]
