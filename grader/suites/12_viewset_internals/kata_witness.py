"""A viewset made on the learner's MiniGenericViewSet whose actions report what they saw.

Task 1 grades as_view() alone, without the model mixins: ``witness(viewsets)`` makes a class
with a few actions (``show``, ``store``, ``own_head``) that answer with the view's action, its
initkwargs, its kwargs; ``get_authenticators`` and ``get_permissions`` note what they saw
before dispatch and before the permission checks. ``SEEN`` keeps every note of the last
requests (and the instances themselves, so that two instances are never the same object).
"""

from __future__ import annotations

from rest_framework import permissions, serializers
from rest_framework.response import Response


class NoteSerializer(serializers.Serializer):
    """OPTIONS describes the serializer of the view: the witness has a small one."""

    title = serializers.CharField(required=False)


SEEN: dict[str, list] = {"instances": [], "authenticators": [], "permissions": []}


def reset() -> None:
    for notes in SEEN.values():
        notes.clear()


def witness(viewsets) -> type:
    """A new MiniGenericViewSet subclass ("Witness") with the actions the tests map."""

    def show(self, request, *args, **kwargs):
        SEEN["instances"].append(self)
        return Response(
            {
                "action": getattr(self, "action", "(no action attribute)"),
                "greeting": self.greeting,
                "kwargs": self.kwargs,
                "suffix": getattr(self, "suffix", "(no suffix attribute)"),
                "detail": getattr(self, "detail", "(no detail attribute)"),
                "basename": getattr(self, "basename", "(no basename attribute)"),
                "action_map": getattr(self, "action_map", "(no action_map attribute)"),
            }
        )

    def store(self, request, *args, **kwargs):
        return Response({"action": getattr(self, "action", None), "stored": True}, status=201)

    def own_head(self, request, *args, **kwargs):
        return Response(headers={"X-Kata-Head": "own_head"})

    def get_authenticators(self):
        # Runs inside initialize_request, before dispatch() sets self.request itself.
        request = getattr(self, "request", None)
        SEEN["authenticators"].append(getattr(request, "method", None))
        return super(cls, self).get_authenticators()

    def get_permissions(self):
        SEEN["permissions"].append(getattr(self, "action", "(no action attribute)"))
        return [permissions.AllowAny()]

    cls = type(
        "Witness",
        (viewsets.MiniGenericViewSet,),
        {
            "__module__": __name__,
            "__doc__": "A viewset whose actions say what they saw.",
            "greeting": "hello",
            "serializer_class": NoteSerializer,
            "show": show,
            "store": store,
            "own_head": own_head,
            "get_authenticators": get_authenticators,
            "get_permissions": get_permissions,
        },
    )
    return cls
