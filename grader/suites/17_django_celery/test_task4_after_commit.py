"""Task 4: build_report is sent only after the request's transaction commits, with the id as JSON."""

import pytest
from django.db import transaction
from kata_api import accepted
from kata_celery import describe_failure, explaining_send_errors, wait_until_done

pytestmark = [pytest.mark.task(4), pytest.mark.django_db(transaction=True)]


def test_task_is_sent_after_the_request_transaction_commits(client, worker, recorder, build_report):
    body = accepted(client, "Open invoices")
    sent = recorder.sent(build_report.name)
    assert len(sent) == 1, (
        f"One POST must send build_report exactly once (task 4, rule 1); it was sent {len(sent)} times."
    )
    assert not sent[0].in_transaction, (
        "build_report was sent while the request's database transaction was still open "
        "(every request runs in one: ATOMIC_REQUESTS). The worker may run it before the "
        "commit and not find the row, and a rollback cannot take the message back. Send it "
        "from transaction.on_commit(...) (task 4, rule 1)."
    )
    result = wait_until_done(worker.app, body["task_id"], "task 4, rule 1")
    assert result.state == "SUCCESS", (
        f"Sent after the commit, build_report must find the new row and succeed, but "
        f"{describe_failure(result)} (task 4, rule 1)."
    )


def test_nothing_is_sent_before_the_outer_transaction_commits(
    client, worker, recorder, build_report
):
    with explaining_send_errors(), transaction.atomic():
        # As if the view were called from a larger transaction: the commit is ours to make.
        body = accepted(client, "Refunds by week")
        early = recorder.sent(build_report.name)
        assert not early, (
            f"build_report was sent before the transaction committed: the view returned while "
            f"its transaction was still open, and the task was already on the broker ({early}). "
            f"Register the send with transaction.on_commit(...) (task 4, rule 1)."
        )
    sent = recorder.sent(build_report.name)
    assert [p.task_id for p in sent] == [body["task_id"]], (
        f"When the transaction commits, build_report must be sent once, with the task id of "
        f"the answer ({body['task_id']}) (task 4, rule 1 and task 3, rule 4); the suite saw "
        f"{[p.task_id for p in sent]}."
    )
    result = wait_until_done(worker.app, body["task_id"], "task 4, rule 1")
    assert result.state == "SUCCESS", (
        f"After the commit build_report must succeed, but {describe_failure(result)} (task 4, rule 1)."
    )


def test_rolled_back_request_sends_nothing(client, worker, recorder, build_report):
    from reports.models import Report

    with explaining_send_errors(), transaction.atomic():
        rolled_back = accepted(client, "Never committed")
        transaction.set_rollback(True)  # the transaction around the request fails
    assert not Report.objects.filter(pk=rolled_back["report_id"]).exists(), (
        "Sanity check: the rolled-back report must not be in the database."
    )
    sent = recorder.sent(build_report.name)
    assert not sent, (
        f"The request's transaction rolled back (the report was never saved), yet build_report "
        f"was sent {len(sent)} time(s): the worker gets a task for a row that does not exist. "
        f"Send it from transaction.on_commit(...), which drops it on rollback (task 4, rule 2)."
    )
    # The worker's side: a later, committed request is built; the rolled-back one never arrived.
    later = accepted(client, "Committed afterwards")
    wait_until_done(worker.app, later["task_id"], "task 4, rule 2")
    received = recorder.received_of(build_report.name)
    assert received == [later["task_id"]], (
        f"The worker must receive only the committed request's task ({later['task_id']}) "
        f"(task 4, rule 2); it received {received}."
    )


def test_task_message_carries_the_report_id_as_json(client, worker, recorder, build_report):
    body = accepted(client, "Inventory")
    sent = recorder.sent(build_report.name)
    assert len(sent) == 1, (
        f"One POST must send build_report exactly once (task 4, rule 1); it was sent {len(sent)} times."
    )
    message = sent[0]
    report_id = body["report_id"]
    carries_id = (message.args == [report_id] and not message.kwargs) or (
        not message.args and message.kwargs == {"report_id": report_id}
    )
    assert carries_id, (
        f"The task message must carry just the report's id ({report_id}), as "
        f"build_report.apply_async(args=[report.pk], ...) does (task 4, rule 3); it carried "
        f"args={message.args!r} kwargs={message.kwargs!r}."
    )
