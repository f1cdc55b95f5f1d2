"""A message transport and a result backend on plain files, for the Celery playground.

kombu's `filesystem://` transport and Celery's `file://` backend create a file and then write
into it, so a process polling the folder can read it empty. These write a hidden temporary
file and move it into place (atomic), so a reader sees all of a file or none. Importing this
module registers the transport as `katafiles://`.
"""

from __future__ import annotations

import os
import uuid
from time import monotonic

from celery.backends.filesystem import FilesystemBackend
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

BACKEND = "grader.filebroker:AtomicFilesystemBackend"


def write_atomically(path: str | bytes, data: bytes) -> None:
    path = os.fsdecode(path)
    # Readers skip dot-files: kombu takes only "<…>.<queue>.msg"; the backend reads by key.
    temporary = os.path.join(os.path.dirname(path), f".kata-{uuid.uuid4().hex}")
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


class AtomicChannel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        write_atomically(os.path.join(self.data_folder_out, name), str_to_bytes(dumps(payload)))


class AtomicFilesystemTransport(filesystem.Transport):
    Channel = AtomicChannel


class AtomicFilesystemBackend(FilesystemBackend):
    def set(self, key, value):
        write_atomically(self._filename(key), str_to_bytes(value))


TRANSPORT_ALIASES.setdefault("katafiles", "grader.filebroker:AtomicFilesystemTransport")
