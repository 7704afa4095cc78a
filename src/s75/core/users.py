"""Who acted: the user a service records as having made a change."""


def acting_user(actor):
    """The signed-in user ``actor`` for a ``created_by`` or ``modified_by`` column; ``None`` for the system operator
    (``actor=None``, a command or a load) or an anonymous visitor."""
    return actor if getattr(actor, "is_authenticated", False) else None


def person_name(user) -> str:
    """Who a record says made it, in words: the user's name, or "the system operator" for a command or a load."""
    return str(user) if user is not None else "the system operator"
