"""A message transport and a result backend on plain files, for worker processes, without races.

kombu's `filesystem://` transport and Celery's `file://` backend both create a file, then write
into it. A reader polling the folder can catch the file in between and read it empty (a
JSONDecodeError that stalls the worker's consumer). These subclasses write a hidden temporary
file first and move it into place (os.replace: atomic), so a reader sees all of a file or none.

Used only by the suite's worker processes and their client, when no Redis or RabbitMQ is
configured: broker_url "katafs://", result_backend "kata_files:AtomicFilesystemBackend+file://…".
Importing this module registers the "katafs" transport (each process imports it).
"""

from __future__ import annotations

import os
import uuid
from time import monotonic

from celery.backends.filesystem import FilesystemBackend
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


def _write_atomically(path, data: bytes) -> None:
    folder = os.path.dirname(path)
    # The readers skip this name: kombu takes only "<…>.<queue>.msg", the backend reads by key.
    temporary = os.path.join(folder, b".kata-" if isinstance(folder, bytes) else ".kata-")
    temporary += uuid.uuid4().hex.encode() if isinstance(folder, bytes) else uuid.uuid4().hex
    with open(temporary, "wb") as file:
        file.write(data)
    os.replace(temporary, path)


class AtomicChannel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        _write_atomically(os.path.join(self.data_folder_out, name), str_to_bytes(dumps(payload)))


class AtomicFilesystemTransport(filesystem.Transport):
    Channel = AtomicChannel


class AtomicFilesystemBackend(FilesystemBackend):
    def set(self, key, value):
        _write_atomically(self._filename(key), str_to_bytes(value))


TRANSPORT_ALIASES.setdefault("katafs", "kata_files:AtomicFilesystemTransport")
