"""grader.api_calls.call, with one difference: a crash in the learner's code is an answer too.

DRF's APIClient re-raises an exception that escaped the view (a 500). Here that becomes an
Exchange whose response is a 500 saying what was raised and where in the learner's code, so
``expect_status`` shows it next to the request and the README rule, as it shows any answer.
"""

from __future__ import annotations

from django.http import HttpResponse

from grader import api_calls
from grader.api_calls import Exchange
from grader.loader import learner_line


def crash_text(error: BaseException) -> str:
    where = learner_line(error.__traceback__)
    at = f" in {where[2]}() at {where[0]}:{where[1]}" if where else ""
    return f"(your code raised {type(error).__name__}: {error}{at})"


def call(client, method: str, path: str, data=None, **kwargs) -> Exchange:
    try:
        return api_calls.call(client, method, path, data, **kwargs)
    except NotImplementedError:
        raise
    except Exception as error:  # noqa: BLE001 - the learner's code crashed: that is the answer
        response = HttpResponse(crash_text(error), status=500, content_type="text/plain")
        return Exchange(method.upper(), path, data, response)
