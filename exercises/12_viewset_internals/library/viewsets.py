"""A ModelViewSet of your own: ViewSetMixin.as_view, the five model mixins, MiniModelViewSet.

The class ladder of DRF, rebuilt on top of GenericAPIView:
View → APIView → GenericAPIView → MiniGenericViewSet → MiniModelViewSet.
Read README.md. Do not import anything from rest_framework.viewsets or rest_framework.mixins:
that is the code you rebuild here.
"""

from rest_framework.generics import GenericAPIView  # noqa: F401 - task 4: your base class


class ViewSetMixin:
    """Turns a class with actions (list, create, …) into views: one per mapping of methods."""

    # TODO (task 1, rule 10): the attributes a router passes as initkwargs.

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        """Check the arguments, then return a CSRF-exempt view(request, *args, **kwargs)."""
        raise NotImplementedError("task 1: ViewSetMixin.as_view")

    def initialize_request(self, request, *args, **kwargs):
        """APIView's initialize_request, then set self.action."""
        raise NotImplementedError("task 1: ViewSetMixin.initialize_request")

    @classmethod
    def get_extra_actions(cls):
        """The methods marked with @action (the router asks for them)."""
        raise NotImplementedError("task 1: ViewSetMixin.get_extra_actions")


class ListModelMixin:
    def list(self, request, *args, **kwargs):
        raise NotImplementedError("task 2: ListModelMixin.list")


class CreateModelMixin:
    def create(self, request, *args, **kwargs):
        raise NotImplementedError("task 2: CreateModelMixin.create")

    def perform_create(self, serializer):
        raise NotImplementedError("task 2: CreateModelMixin.perform_create")

    def get_success_headers(self, data):
        raise NotImplementedError("task 2: CreateModelMixin.get_success_headers")


class RetrieveModelMixin:
    def retrieve(self, request, *args, **kwargs):
        raise NotImplementedError("task 2: RetrieveModelMixin.retrieve")


class UpdateModelMixin:
    def update(self, request, *args, **kwargs):
        raise NotImplementedError("task 2: UpdateModelMixin.update")

    def partial_update(self, request, *args, **kwargs):
        raise NotImplementedError("task 2: UpdateModelMixin.partial_update")

    def perform_update(self, serializer):
        raise NotImplementedError("task 2: UpdateModelMixin.perform_update")


class DestroyModelMixin:
    def destroy(self, request, *args, **kwargs):
        raise NotImplementedError("task 2: DestroyModelMixin.destroy")

    def perform_destroy(self, instance):
        raise NotImplementedError("task 2: DestroyModelMixin.perform_destroy")


# TODO (task 4, rule 1): class MiniGenericViewSet(ViewSetMixin, GenericAPIView)
class MiniGenericViewSet:
    """GenericAPIView (get_queryset, get_serializer, get_object…) with actions."""


# TODO (task 2, rule 8): the five mixins, then MiniGenericViewSet
class MiniModelViewSet:
    """list, create, retrieve, update, partial_update and destroy, like DRF's ModelViewSet."""
