"""Views that keep their state in ``request.session``: a shopping cart, a login and a logout.

The session holds two keys:

* ``"cart"``: ``{item name: count}``, e.g. ``{"apple": 2, "pear": 1}``
* ``"user"``: the logged-in user name, absent when nobody is logged in

Task 3 of the README lists the rules.
"""

from __future__ import annotations

from django.http import HttpResponseNotAllowed, JsonResponse  # noqa: F401 - you will need them

# Given: the users of this little shop and their passwords (a real site stores hashes).
USERS = {"alice": "wonderland", "bob": "builder"}


def add_to_cart(request):
    """POST ``item=<name>``: add one of it to the cart; answer ``{"cart": {...}}`` (rules 1, 2).

    Not POST → 405. Missing or blank ``item`` → 400 ``{"error": "..."}``.
    """
    raise NotImplementedError


def show_cart(request):
    """Answer ``{"user": <name or None>, "cart": {...}}`` from the session (rule 3)."""
    raise NotImplementedError


def login_view(request):
    """POST ``username`` and ``password``, checked against ``USERS`` (rule 4).

    Not POST → 405. Wrong → 401 ``{"error": "..."}``. Right → rotate the key with
    ``request.session.cycle_key()``, store the user, answer ``{"user": <name>}``.
    """
    raise NotImplementedError


def logout_view(request):
    """POST: ``request.session.flush()``; answer ``{"user": None}``. Not POST → 405 (rule 5)."""
    raise NotImplementedError
