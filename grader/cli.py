"""`python -m grader VERB …`: the command line behind the nox sessions.

It only collects the verbs of grader.commands: each verb module declares its own arguments and
runs itself. Bad input a user can fix ends here as one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from grader import commands
from grader.errors import UsageError
from grader.manifest import MANIFEST_PATH, REPO_ROOT, ManifestError, load_course
from grader.originals import keep_pristine_copy


def build_parser(verbs: tuple[str, ...] = commands.VERBS) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m grader",
        description="Grade the katas.",
        epilog=_other_verbs(verbs),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--course", type=Path, default=MANIFEST_PATH, help=argparse.SUPPRESS)
    subparsers = parser.add_subparsers(
        dest="verb", required=True, metavar="VERB", title="verbs", description=None
    )
    for verb in verbs:
        module = commands.load(verb)
        if module is None:
            continue
        # A verb added without help= is not listed; it still runs and has its own --help.
        listed = {"help": module.HELP} if verb in commands.LEARNER_VERBS else {}
        subparser = subparsers.add_parser(verb, description=module.HELP, **listed)
        module.add_arguments(subparser)
        subparser.set_defaults(handle=module.handle)
    return parser


# Where the instructors' and maintainers' verbs are explained: a student copy has neither guide
# (grader/release.py leaves them out), and its --help lists only the learner's verbs.
_GUIDES = {"instructors": "INSTRUCTORS.md", "maintainers": "CONTRIBUTING.md"}


def _other_verbs(verbs: tuple[str, ...]) -> str:
    lines = []
    for audience, group in (("instructors", commands.INSTRUCTOR_VERBS),
                            ("maintainers", commands.MAINTAINER_VERBS)):  # fmt: skip
        guide = REPO_ROOT / _GUIDES[audience]
        present = [verb for verb in group if verb in verbs and commands.load(verb) is not None]
        if present and guide.is_file():
            lines.append(f"for {audience} ({guide.name}): {', '.join(present)}")
    if lines:
        lines.append("`python -m grader VERB --help` tells what a verb does.")
    return "\n".join(lines) or None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parse(argv)
    try:
        course = _load_course(args.course)
        # Without git history, the first run of any verb keeps the originals `reset` restores.
        keep_pristine_copy(course)
        return args.handle(args, course)
    except (UsageError, ManifestError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def parse(argv: list[str]) -> argparse.Namespace:
    """The verb and its arguments. Exercises may also come after options (`grade 03 --target X
    04`, `gradebook DIR --out X 04`): argparse takes a verb's positionals in one go, and would
    refuse the ones after an option. Anything else left over is still refused."""
    parser = build_parser(_verbs_needed(argv))
    args, leftover = parser.parse_known_args(argv)
    selectors = getattr(args, "selectors", None)
    if leftover and isinstance(selectors, list) and not any(a.startswith("-") for a in leftover):
        selectors.extend(leftover)
    elif leftover:
        parser.error(f"unrecognized arguments: {' '.join(leftover)}")
    return args


def _verbs_needed(argv: list[str]) -> tuple[str, ...]:
    """Only the verb being run, so running it imports no other verb's module; every verb for
    `--help`, a typo or a verb this copy lacks, so argparse can list them."""
    first = argparse.ArgumentParser(add_help=False)
    first.add_argument("--course")
    first.add_argument("verb", nargs="?")
    known, _ = first.parse_known_args(argv)
    before_verb = argv[: argv.index(known.verb)] if known.verb in argv else argv
    if {"-h", "--help"} & set(before_verb):  # `-h grade`: the help of the whole command
        return commands.VERBS
    if known.verb in commands.VERBS and commands.load(known.verb) is not None:
        return (known.verb,)
    return commands.VERBS


def _load_course(path: Path):
    if not Path(path).is_file():
        raise UsageError(
            f"no course manifest at {path}: run the grader from the course folder "
            f"(the one holding noxfile.py), or restore it with `git checkout -- grader/course.toml`"
        )
    try:
        return load_course(path)
    except (ManifestError, KeyError, TypeError, AttributeError, ValueError) as error:
        # A value of the wrong type trips the parser itself: still the manifest's fault.
        where = "" if isinstance(error, ManifestError) else f"{path}: "
        raise ManifestError(
            f"{where}{_one_line(str(error))}. Fix {path}, or restore it with "
            f"`git checkout -- grader/course.toml`"
        ) from None


def _one_line(text: str) -> str:
    return " ".join(text.split()).rstrip(".")
