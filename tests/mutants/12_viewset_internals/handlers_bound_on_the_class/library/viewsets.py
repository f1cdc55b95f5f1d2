"""Wrong: the handlers are bound on the class (setattr(cls, …)), so one view's methods leak into the other views of the class. Caught by: test_each_view_binds_its_methods_on_its_own_instance."""

from functools import update_wrapper
from inspect import getmembers

from django.views.decorators.csrf import csrf_exempt
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.settings import api_settings


class ViewSetMixin:
    """Turns a class with actions (list, create, …) into views: one per mapping of methods."""

    # Initkwargs a router passes to as_view(): rule 4 accepts only existing attributes.
    basename = None
    detail = None
    suffix = None
    name = None
    description = None

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        if not actions:
            raise TypeError(
                f"{cls.__name__}.as_view() needs the actions, for example "
                f"as_view({{'get': 'list', 'post': 'create'}})."
            )
        for method, action in actions.items():
            if method not in cls.http_method_names:
                raise TypeError(
                    f"{cls.__name__}.as_view(): {method!r} is not an HTTP method name "
                    f"(use one of {cls.http_method_names})."
                )
            if not callable(getattr(cls, action, None)):
                raise TypeError(
                    f"{cls.__name__}.as_view(): {method!r} is mapped to {action!r}, "
                    f"which is not a method of {cls.__name__}."
                )
        for key in initkwargs:
            if key in cls.http_method_names:
                raise TypeError(
                    f"You tried to pass in the {key} method name as a keyword argument to "
                    f"{cls.__name__}(). Don't do that."
                )
            if not hasattr(cls, key):
                raise TypeError(f"{cls.__name__}() received an invalid keyword {key!r}.")

        action_map = dict(actions)
        if "get" in action_map and "head" not in action_map:
            action_map["head"] = action_map["get"]

        def view(request, *args, **kwargs):
            self = cls(**initkwargs)
            self.action_map = action_map
            for method, action in action_map.items():
                setattr(cls, method, getattr(self, action))
            self.request = request
            self.args = args
            self.kwargs = kwargs
            return self.dispatch(request, *args, **kwargs)

        # The name and docstring of the class, and what decorators left on dispatch.
        update_wrapper(view, cls, updated=())
        update_wrapper(view, cls.dispatch, assigned=())
        view.cls = cls
        view.initkwargs = initkwargs
        view.actions = actions
        return csrf_exempt(view)

    def initialize_request(self, request, *args, **kwargs):
        request = super().initialize_request(request, *args, **kwargs)
        method = request.method.lower()
        # OPTIONS is always the "metadata" action: APIView.options answers it, unless the
        # actions map "options" (then that action answers, bound like any other method).
        self.action = "metadata" if method == "options" else self.action_map.get(method)
        return request

    @classmethod
    def get_extra_actions(cls):
        """The methods marked with @action: the router adds a route for each."""
        return [member for _, member in getmembers(cls, lambda m: hasattr(m, "mapping"))]


class ListModelMixin:
    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        if page is not None:
            serializer = self.get_serializer(page, many=True)
            return self.get_paginated_response(serializer.data)
        serializer = self.get_serializer(queryset, many=True)
        return Response(serializer.data)


class CreateModelMixin:
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        headers = self.get_success_headers(serializer.data)
        return Response(serializer.data, status=status.HTTP_201_CREATED, headers=headers)

    def perform_create(self, serializer):
        serializer.save()

    def get_success_headers(self, data):
        try:
            return {"Location": str(data[api_settings.URL_FIELD_NAME])}
        except (TypeError, KeyError):
            return {}


class RetrieveModelMixin:
    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        serializer = self.get_serializer(instance)
        return Response(serializer.data)


class UpdateModelMixin:
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        return Response(serializer.data)

    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    def perform_update(self, serializer):
        serializer.save()


class DestroyModelMixin:
    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        self.perform_destroy(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_destroy(self, instance):
        instance.delete()


class MiniGenericViewSet(ViewSetMixin, GenericAPIView):
    """GenericAPIView (get_queryset, get_serializer, get_object…) with actions."""


class MiniModelViewSet(
    CreateModelMixin,
    RetrieveModelMixin,
    UpdateModelMixin,
    DestroyModelMixin,
    ListModelMixin,
    MiniGenericViewSet,
):
    """list, create, retrieve, update, partial_update and destroy, like DRF's ModelViewSet."""
