"""Template tags of the Better Care Fund: whether the main navigation shows its item."""

from django import template

from s75.bcf.selectors import plans_visible_to

register = template.Library()


@register.simple_tag
def sees_plans(user) -> bool:
    """Whether ``user`` sees any Better Care Fund plan, so that the navigation offers the plans."""
    return user.is_authenticated and plans_visible_to(user=user).exists()
