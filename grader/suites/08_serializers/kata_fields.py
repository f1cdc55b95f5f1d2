"""Calling the learner's ISBNField directly, as a serializer does: ``field.run_validation(data)``.

``run_validation`` is what Serializer.to_internal_value calls for each field: it handles null
(DRF's own "This field may not be null."), then calls the field's to_internal_value and its
validators. An error is a serializers.ValidationError whose detail is a list of ErrorDetail
strings, each with a ``code``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Outcome:
    data: object
    value: object = None
    code: str | None = None
    message: str | None = None
    # Anything raised that is not a serializers.ValidationError, described.
    other: str | None = None

    @property
    def accepted(self) -> bool:
        return self.code is None and self.other is None

    def describe(self) -> str:
        sent = f"ISBNField().run_validation({self.data!r})"
        if self.other:
            return f"{sent} raised {self.other}"
        if self.accepted:
            return f"{sent} returned {self.value!r} ({type(self.value).__name__})"
        return f"{sent} raised ValidationError(code={self.code!r}, message={self.message!r})"


def run(field_class, data) -> Outcome:
    from django.core.exceptions import ValidationError as DjangoValidationError
    from rest_framework import serializers

    field = field_class()
    try:
        value = field.run_validation(data)
    except serializers.ValidationError as error:
        detail = error.detail
        first = detail[0] if isinstance(detail, list) and detail else detail
        return Outcome(data, code=getattr(first, "code", None), message=str(first))
    except DjangoValidationError as error:
        return Outcome(
            data,
            other=f"django.core.exceptions.ValidationError ({error}): a field raises "
            f"rest_framework.serializers.ValidationError, e.g. with self.fail(key)",
        )
    except NotImplementedError:
        raise
    except Exception as error:  # noqa: BLE001 - any other failure is the learner's bug, described
        return Outcome(
            data,
            other=f"{type(error).__name__}: {error} — a field refuses bad input with "
            f"serializers.ValidationError (self.fail(key)), never another exception",
        )
    return Outcome(data, value=value)
