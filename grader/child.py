"""Entry point of a grading child process: lock itself down, then run pytest.

Started by grader.runner as ``python -I -B -c BOOT SNAPSHOT CONFIG -- PYTEST_ARGS`` (on Linux
inside its own PID namespace, as its init). Before any learner code runs it sets hard resource
limits, gives up root when it was given a uid, and becomes the reaper of whatever it starts; at
the end it kills every process left behind. All here, inside the child, not in a preexec_fn:
the parent has threads.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import signal
import sys

PR_CAPBSET_DROP = 24
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
MS_NOSUID, MS_NODEV, MS_BIND, MS_REC = 2, 4, 4096, 16384
SYS_MOUNT_SETATTR = 442  # one number on every architecture (added in Linux 5.12)
AT_FDCWD, AT_RECURSIVE = -100, 0x8000
MOUNT_ATTR_RDONLY = 1
# The mount API of Linux 5.2, one number on every architecture: a copy of a mount tree that
# hangs nowhere yet, and moving such a copy onto a path.
SYS_OPEN_TREE, SYS_MOVE_MOUNT = 428, 429
OPEN_TREE_CLONE, MOVE_MOUNT_F_EMPTY_PATH, MNT_DETACH = 1, 4, 2
# What a child that is root (of the machine, or of its user namespace) keeps: what nginx's
# master needs to start its workers under another user and signal them, and to read and write
# the folders it makes. Everything else is dropped for good: mounting (so the read-only view
# holds), raising hard limits, tracing, modules, raw devices, open_by_handle_at...
KEPT_CAPABILITIES = {
    0,  # CAP_CHOWN
    1,  # CAP_DAC_OVERRIDE
    3,  # CAP_FOWNER
    4,  # CAP_FSETID
    5,  # CAP_KILL
    6,  # CAP_SETGID
    7,  # CAP_SETUID
    10,  # CAP_NET_BIND_SERVICE
}


def apply_limits(limits: dict) -> None:
    """Soft = hard: the learner's code cannot lift a limit it hits (without CAP_SYS_RESOURCE)."""
    try:
        import resource
    except ImportError:  # Windows: no rlimits; the parent's wall-clock limit still applies
        return
    wanted = {
        "RLIMIT_AS": limits.get("memory_bytes"),
        "RLIMIT_CPU": limits.get("cpu_seconds"),
        "RLIMIT_FSIZE": limits.get("file_bytes"),
        # Per uid: set only when the child runs under a uid of its own (it would count the
        # user's other processes otherwise).
        "RLIMIT_NPROC": limits.get("processes"),
        "RLIMIT_CORE": 0,
    }
    for name, value in wanted.items():
        kind = getattr(resource, name, None)
        if kind is None or value is None:
            continue
        try:
            _soft, hard = resource.getrlimit(kind)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(kind, (value, value))
        except (ValueError, OSError):
            pass  # macOS refuses some limits (RLIMIT_AS): grade without them
    if hasattr(signal, "SIGXFSZ"):
        # Past the file-size limit a write fails with an OSError the test reports, not a silent kill.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def drop_privileges(uid: int | None, gid: int | None) -> None:
    """Run as the given unprivileged user from here on; no way back (no setuid programs either)."""
    if uid is not None:
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
    _prctl(PR_SET_NO_NEW_PRIVS, 1)


def _prctl(option: int, value: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(option, value, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


# Room for a child's temporary files: twice the largest file it may write.
TEMPORARY_BYTES = 256 * 2**20


def lock_down(
    writable: list[str],
    temporary: str | None = None,
    owner=(None, None),
    keep=(),
    hidden=(),
) -> dict:
    """In the child's own mount namespace: everything read-only but its work folder, a private
    /dev/shm, the ``hidden`` folders (grader.isolation.HIDDEN_FOLDERS) empty but for what it
    grades with, its temporary folder in memory, and no capability left to undo it. ``keep``:
    paths that must stay in sight (the interpreter, the snapshot). Returns what held, for the
    report."""
    held = {"read_only_view": False, "capabilities_dropped": False, "notes": []}
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
    except OSError as error:
        held["notes"].append(f"no libc to lock the child down: {error}")
        return held

    def failed(what: str) -> str:
        return f"{what}: {os.strerror(ctypes.get_errno())}"

    class MountAttr(ctypes.Structure):
        _fields_ = [(name, ctypes.c_uint64) for name in ("set", "clear", "propagation", "userns")]

    def set_read_only(path: bytes, read_only: bool) -> bool:
        attr = MountAttr(MOUNT_ATTR_RDONLY, 0, 0, 0) if read_only else MountAttr(0, 1, 0, 0)
        return libc.syscall(
            SYS_MOUNT_SETATTR, AT_FDCWD, path, AT_RECURSIVE, ctypes.byref(attr), 32
        ) == 0  # fmt: skip

    places = [os.fsencode(path) for path in writable]
    if all(libc.mount(place, place, None, MS_BIND | MS_REC, None) == 0 for place in places):
        if set_read_only(b"/", True) and all(set_read_only(place, False) for place in places):
            held["read_only_view"] = True
            os.chdir(os.getcwd())  # the work folder's new mount, not the read-only one below it
        else:
            held["notes"].append(failed("no read-only view (mount_setattr)"))
    else:
        held["notes"].append(failed("no read-only view (bind mount)"))
    # Semaphores of multiprocessing and Celery's prefork pool: a /dev/shm no sibling shares.
    if libc.mount(b"tmpfs", b"/dev/shm", b"tmpfs", MS_NOSUID | MS_NODEV, b"mode=1777") != 0:
        held["notes"].append(failed("/dev/shm shared with other processes"))
    # A read-only view still lets the child read what the grading user may read (homes, other
    # programs' temporary files) and connect to socket files (Docker's, a database's, D-Bus,
    # an SSH agent's, tmux's): each hidden folder becomes an empty one, with only the paths the
    # child grades with (its work folder, the interpreter, the snapshot) put back in it.
    if held["read_only_view"]:
        needed = [*writable, *([temporary] if temporary else []), *keep]
        folders, links = _ways_to(needed)
        for place in hidden:
            held["notes"].extend(_hide(libc, place, folders, links))
        # The work folder put back, where its temporary folder is mounted next, not the one
        # now under the hidden folder (whose ``..`` would still lead into the empty one).
        os.chdir(os.getcwd())
    # Temporary files (pytest's tmp_path, SQLite files, a worker's message folder) in memory, of
    # a bounded size, private to the child: no disk writes or syncs to wait for.
    if temporary and held["read_only_view"]:
        uid, gid = owner
        options = f"mode=0700,size={TEMPORARY_BYTES}"
        if uid is not None:
            options += f",uid={uid},gid={gid}"
        flags = MS_NOSUID | MS_NODEV
        if libc.mount(b"tmpfs", os.fsencode(temporary), b"tmpfs", flags, options.encode()) != 0:
            held["notes"].append(failed("temporary files on disk"))
    held["capabilities_dropped"] = _drop_capabilities(libc)
    if not held["capabilities_dropped"]:
        held["notes"].append(failed("capabilities kept: the child could undo its limits"))
    return held


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _ways_to(paths) -> tuple[set[str], dict[str, str]]:
    """What must stay in sight for each path to be reached as written: (the folders it leads
    to, or holds it when it is a file; the symbolic links on the way, each with its target).
    A path through a link is followed from the link's target, so both are kept."""
    folders: set[str] = set()
    links: dict[str, str] = {}
    pending = [os.path.abspath(path) for path in paths if path]
    for _step in range(1000):  # enough for any real layout; a loop of links ends here
        if not pending:
            break
        parts = pending.pop().split("/")[1:]
        current = "/"
        for index, part in enumerate(parts):
            if part in ("", "."):
                continue
            if part == "..":
                current = os.path.dirname(current)  # ``current`` holds no link: safe
                continue
            step = os.path.join(current, part)
            if os.path.islink(step):
                target = os.readlink(step)
                links[step] = target
                pending.append(os.path.join(current, target, *parts[index + 1 :]))
                break
            current = step
        else:
            if os.path.isdir(current):
                folders.add(current)
            elif os.path.exists(current):
                folders.add(os.path.dirname(current))
    return folders, links


def _hide(libc, place: str, folders: set[str], links: dict[str, str]) -> list[str]:
    """Mount an empty folder over ``place`` and put back in it what grading needs: a copy of the
    mount tree at each of ``folders`` under it (open_tree), moved onto the same path in the empty
    folder, and the ``links`` under it. Then the empty folder becomes read-only. The notes to
    report: none when it held; when a step fails, ``place`` stays as it was and a note says so."""
    import ctypes

    if not os.path.isdir(place) or os.path.islink(place):
        return []  # /var/run is a link to /run on most systems: hidden with it
    inside = sorted(folder for folder in folders if _inside(folder, place))
    if place in inside:
        return [f"the machine's {place} in reach: grading files are in it"]
    # Outermost folders only: a copy of a tree holds what lies below it.
    inside = [f for f in inside if not any(_inside(f, o) for o in inside if o != f)]
    put_back = [link for link in links if _inside(link, place)]
    put_back = [link for link in put_back if not any(_inside(link, f) for f in inside)]

    def failed(what: str) -> list[str]:
        return [f"the machine's {place} in reach ({what}: {os.strerror(ctypes.get_errno())})"]

    copies: list[tuple[str, int]] = []
    try:
        flags = OPEN_TREE_CLONE | AT_RECURSIVE | os.O_CLOEXEC
        for folder in inside:
            copy = libc.syscall(SYS_OPEN_TREE, AT_FDCWD, os.fsencode(folder), flags)
            if copy < 0:
                return failed("open_tree")
            copies.append((folder, copy))
        options = b"mode=0755,size=1m"
        if libc.mount(b"tmpfs", place.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, options) != 0:
            return failed("mount")
        try:
            for folder, copy in copies:
                os.makedirs(folder, mode=0o755, exist_ok=True)
                moved = libc.syscall(
                    SYS_MOVE_MOUNT, copy, b"", AT_FDCWD, os.fsencode(folder),
                    MOVE_MOUNT_F_EMPTY_PATH,
                )  # fmt: skip
                if moved != 0:
                    raise OSError(ctypes.get_errno(), "move_mount")
            for link in sorted(put_back):
                os.makedirs(os.path.dirname(link), mode=0o755, exist_ok=True)
                os.symlink(links[link], link)
        except OSError as error:
            libc.umount2(place.encode(), MNT_DETACH)  # the folder as it was: nothing is missing
            return [f"the machine's {place} in reach ({error.strerror or error})"]
        attr_read_only = (ctypes.c_uint64 * 4)(MOUNT_ATTR_RDONLY, 0, 0, 0)
        libc.syscall(SYS_MOUNT_SETATTR, AT_FDCWD, place.encode(), 0, attr_read_only, 32)
        return []
    finally:
        for _folder, copy in copies:
            os.close(copy)


def _drop_capabilities(libc) -> bool:
    """Drop every capability but KEPT_CAPABILITIES, also from the bounding set (no way back
    through exec) and the ambient set."""
    import ctypes

    try:
        with open("/proc/sys/kernel/cap_last_cap") as handle:
            last = int(handle.read())
    except (OSError, ValueError):
        last = 40
    for capability in range(last + 1):
        if capability not in KEPT_CAPABILITIES and libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0):
            return False
    libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [(name, ctypes.c_uint32) for name in ("effective", "permitted", "inheritable")]

    header, data = Header(0x20080522, 0), (Data * 2)()  # _LINUX_CAPABILITY_VERSION_3
    if libc.capget(ctypes.byref(header), data) != 0:
        return False
    kept = [sum(1 << (cap - 32 * word) for cap in KEPT_CAPABILITIES if cap // 32 == word)
            for word in (0, 1)]  # fmt: skip
    for word in (0, 1):
        data[word].effective &= kept[word]
        data[word].permitted &= kept[word]
        data[word].inheritable &= kept[word]
    return libc.capset(ctypes.byref(header), data) == 0


def reap() -> int:
    """Kill every process this child started and that is still there; how many."""
    if os.getpid() == 1:
        # The init of its own PID namespace: everything else in it is the learner's.
        return _kill_namespace()
    from grader.isolation import kill_tree

    return kill_tree(os.getpid())


def _kill_namespace() -> int:
    killed: set[int] = set()
    for _round in range(10):
        found = {int(entry) for entry in os.listdir("/proc") if entry.isdigit()} - {1} - killed
        if not found:
            break
        for pid in found:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        killed |= found
        with contextlib.suppress(ChildProcessError):
            while os.waitpid(-1, os.WNOHANG)[0]:  # zombies stay listed until reaped
                pass
    return len(killed)


SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1


def loopback_up() -> str:
    """In a network namespace of its own the child's loopback starts down: bring it up (its
    servers listen there: nginx, uWSGI). "" when it is up, else why not."""
    import fcntl
    import socket
    import struct

    layout = "16sH22x"  # struct ifreq: the interface's name, then its flags
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as handle:
            asked = struct.pack(layout, b"lo", 0)
            flags = struct.unpack(layout, fcntl.ioctl(handle, SIOCGIFFLAGS, asked))[1]
            fcntl.ioctl(handle, SIOCSIFFLAGS, struct.pack(layout, b"lo", flags | IFF_UP))
    except OSError as error:
        return f"no loopback in the child's own network: {error.strerror or error}"
    return ""


def main(argv: list[str]) -> int:
    config = json.loads(argv[0])
    pytest_args = argv[argv.index("--") + 1 :]
    apply_limits(config)
    # Before lock_down gives up the capability to configure it.
    network = loopback_up() if config.get("own_network") else None
    held = {}
    if config.get("lock_down"):
        owner = (config.get("uid"), config.get("gid"))
        keep = [sys.prefix, sys.base_prefix, sys.executable, *sys.path,
                *config.get("sys_path", []), *config.get("sys_path_append", []),
                *config.get("in_sight", [])]  # fmt: skip
        hidden = config.get("hidden", ())
        held = lock_down(config["writable"], config.get("temporary"), owner, keep, hidden)
    if network is not None:
        held["own_network"] = not network
        if network:
            held.setdefault("notes", []).append(network)
    drop_privileges(config.get("uid"), config.get("gid"))
    _report(config, {"event": "isolation", **held})
    if os.getpid() != 1:
        # Orphans (a double fork, setsid) come back to this process, so they can be found.
        _prctl(PR_SET_CHILD_SUBREAPER, 1)
    # Ahead of the standard library only the snapshot's suite folder (its settings, because
    # pytest-django sets Django up before collection); the learner folder last, shadowing nothing.
    sys.path[0:0] = config.get("sys_path", [])
    sys.path.extend(config.get("sys_path_append", []))
    serialise_ast_parse()
    leave_out_unused_packages()
    load_on_first_use()
    start_up = StartUpCollector()
    import pytest

    plugins = [importlib.import_module(name) for name in config.get("plugins", ())]
    code = int(pytest.main(pytest_args, plugins=[start_up, *plugins]))
    # Results are written and flushed by now. Exit at once: a learner thread that never ends
    # (a stuck worker, a non-daemon thread) must not hold the exercise until its time limit.
    sys.stdout.flush()
    sys.stderr.flush()
    _report(config, {"event": "reaped", "count": reap()})
    os._exit(code)


class StartUpCollector:
    """No cycle collection while pytest starts and imports the suite, the default ones after.

    Start-up makes tens of thousands of objects that live until the end (pytest, Django, DRF,
    Celery, the suite). A collection walks every object younger than its generation: even one
    young collection every 100,000 allocations walked most of them once or twice: 75 to 80 ms of
    an 08 or 17 child, on a machine that adds 10⁷ numbers in a Python loop in 0.64 s. The
    collector is off until collection is over; then what start-up made is frozen out of it
    (``gc.freeze``) and it is on again at its default thresholds: the collections tests trigger
    walk only what tests made. Learner modules are imported by then, objects they make later are
    collected as usual, and ``gc.collect()`` in a test still finds every cycle a test made.
    Start-up garbage is kept (a few cycles, no change in a child's peak memory). A pytest
    plugin: it acts on ``pytest_collection_finish``."""

    def __init__(self) -> None:
        import gc

        gc.disable()

    def pytest_collection_finish(self, session) -> None:
        import gc

        gc.freeze()
        gc.enable()


# Installed in the grading virtualenv, never imported by a grading child.
UNUSED_PACKAGES = ("requests",)


def leave_out_unused_packages() -> None:
    """Make ``UNUSED_PACKAGES`` unimportable (ImportError) in this child.

    requests is there only because pytest-celery's Docker fixtures need it, and grading never
    loads them. Django REST framework imports it at start-up whenever it is installed, for a
    test client no suite uses: 40 ms of every DRF child's start-up on a 2-core machine, and five
    distributions (requests, urllib3, idna, charset-normalizer, certifi) that the grader does not
    verify (grader.integrity.GRADING_DISTRIBUTIONS) loaded next to learner code. DRF treats the
    ImportError as "not installed"."""
    for name in UNUSED_PACKAGES:
        sys.modules.setdefault(name, None)


# Imported at start-up whatever the suite, used by few suites: each runs on its first use.
LOADED_ON_FIRST_USE = ("yaml", "importlib.metadata")


def load_on_first_use() -> None:
    """Put a module in ``sys.modules`` for each name that runs on its first attribute access.

    Django REST framework imports PyYAML at start-up for an OpenAPI renderer no DRF suite but
    11's uses (through drf-spectacular, which uses it at once, as kombu does in the Celery
    exercises): 26 to 30 ms of every other DRF child, compiling PyYAML's patterns. pytest imports
    importlib.metadata (and the email package) to find plugins by entry point, which a child
    never does (its plugins are handed over as modules): 35 to 45 ms where Django does not import
    the email package anyway. Both on a machine that adds 10⁷ numbers in a loop in 0.64 s.
    ``import yaml`` still succeeds; ``yaml.anything`` or ``from yaml import ...`` runs the
    module as an import would have. Not ``importlib.util.LazyLoader``: the import statement
    itself reads the module's ``__spec__``, which would run a LazyLoader module at once."""
    import importlib.util

    for name in LOADED_ON_FIRST_USE:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None or name in sys.modules:
            continue
        module = importlib.util.module_from_spec(spec)
        module.__class__ = _RunsOnFirstUse
        sys.modules[name] = module
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(sys.modules[parent], child, module)


class _RunsOnFirstUse(type(sys)):
    """A module whose code has not run: the first attribute it lacks runs it."""

    def __getattr__(self, attribute: str):
        self.__class__ = type(sys)
        try:
            self.__spec__.loader.exec_module(self)
        except BaseException:
            # As a failed import: the next import tries again instead of finding half a module.
            if sys.modules.get(self.__name__) is self:
                del sys.modules[self.__name__]
            raise
        return getattr(self, attribute)


def serialise_ast_parse() -> None:
    """One thread at a time in ``ast.parse``.

    CPython 3.11 keeps the AST constructor's recursion depth in state that all threads share
    (python/cpython#106905): pytest parsing a test's source to show a failure while a Celery
    worker thread formats a task's traceback (3.11's ``traceback`` parses lines for its carets)
    can end the whole run with "SystemError: AST constructor recursion depth mismatch" (seen on
    exercise 15's stubs, one run in two). Both go through ``ast.parse``: a lock keeps them apart."""
    import ast
    import functools
    import threading

    parse, lock = ast.parse, threading.RLock()

    @functools.wraps(parse)
    def parse_alone(*args, **kwargs):
        with lock:
            return parse(*args, **kwargs)

    ast.parse = parse_alone


def _report(config: dict, event: dict) -> None:
    """A line of the child's own in the results, next to the plugin's."""
    results_fd = config.get("results_fd")
    if results_fd is not None:
        with contextlib.suppress(OSError):
            os.write(results_fd, (json.dumps(event) + "\n").encode())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
