"""Entry point: parse argv, dispatch to a subcommand, turn user errors into one line and exit 2."""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from ganforge import __version__
from ganforge.cli import (
    animate,
    anomaly,
    augment,
    colourise,
    combine,
    complete,
    compose,
    directions,
    edit,
    evaluate,
    export,
    info,
    interpolate,
    invert,
    make_data,
    mix,
    models,
    sample,
    say,
    serve,
    train,
    translate,
    upscale,
    write,
)
from ganforge.errors import GanforgeError
from ganforge.models.pretrained import WEIGHTS_DIR, list_pretrained
from ganforge.utils.files import is_disk_full
from ganforge.utils.outputs import Output, guard_outputs

COMMANDS = (train, sample, say, augment, anomaly, mix, interpolate, invert, directions, edit, combine, translate, colourise,
            complete, upscale, write, compose, animate, evaluate, serve, make_data, models, info, export)  # each has NAME, HELP, add_arguments(parser), run(args)
EXIT_USER_ERROR = 2
# options that name what a command reads (a shipped --model is its folder; --direction FILE:NAME is FILE)
INPUT_OPTIONS = ("input", "checkpoint", "mask", "model", "fake", "real", "structure", "style", "direction")
NEGATIVE_NUMBERS = re.compile(r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?(,\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)*$")


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (no usage dump) and exits 2, and a list of numbers
    starting with a minus sign (`--strength -3,0,3`) is a value, not an unknown option."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = NEGATIVE_NUMBERS  # argparse's own matcher knows single numbers only

    def error(self, message: str):
        self.exit(EXIT_USER_ERROR, f"{self.prog}: error: {message}; see {self.prog} --help\n")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (also used to render --help in docs)."""
    parser = Parser(
        prog="ganforge",
        description="Train, sample and inspect generative adversarial networks, on CPU or GPU.",
        epilog=(
            "examples:\n"
            "  ganforge sample --model mnist-cgan --label 7 --num 64 --out sevens.png\n"
            "  ganforge train mnist-cgan --out runs/cgan --steps 2000\n"
            "  ganforge train mnist-cgan --out runs/cgan --steps 4000 --resume\n"
            "  ganforge train cyclegan-digits --out runs/digits\n"
            "  ganforge translate --checkpoint runs/digits --input digits/ --out bold/\n"
            "  ganforge info runs/cgan\n"
            "run `ganforge COMMAND --help` for the options of each command."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"ganforge {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for command in COMMANDS:
        sub = commands.add_parser(
            command.NAME,
            help=command.HELP,
            description=command.__doc__,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command.add_arguments(sub)
        outputs = getattr(command, "OUTPUTS", {})
        if outputs and not any("--overwrite" in action.option_strings for action in sub._actions):
            sub.add_argument("--overwrite", action="store_true",
                             help="replace output files that already exist (never inputs, models or runs)")
        sub.set_defaults(run=command.run, outputs=outputs, replaces_folder=getattr(command, "REPLACES_FOLDER", False),
                         output_names=getattr(command, "output_names", None))
    return parser


def check_outputs(args: argparse.Namespace) -> None:
    """The output guard (ganforge.utils.outputs) on what this command declares it writes and reads."""
    names = tuple(args.output_names(args)) if getattr(args, "output_names", None) else ()
    outputs = [Output(f"--{option}", Path(value), kind, names if kind == "folder" else ())
               for option, kind in getattr(args, "outputs", {}).items() if (value := getattr(args, option, None))]
    if not outputs:
        return
    inputs = []
    for option in INPUT_OPTIONS:
        value = getattr(args, option, None)
        if not isinstance(value, str) or not value:
            continue
        if option == "model" and value in list_pretrained():
            value = str(WEIGHTS_DIR / value)
        elif option == "direction" and not Path(value).exists():
            value = value.rsplit(":", 1)[0]
        inputs.append(value)
    guard_outputs(outputs, inputs, overwrite=getattr(args, "overwrite", False),
                  replaces_folder=args.replaces_folder)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit status (0 ok, 2 user error, 130 interrupted)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return EXIT_USER_ERROR
    try:
        check_outputs(args)
        args.run(args)
        sys.stdout.flush()  # a closed pipe surfaces here, where it is handled, not at interpreter exit
    except GanforgeError as error:
        print(f"ganforge: error: {error}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("ganforge: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `ganforge models | head`: the reader left; stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at interpreter exit
        return 141
    except Exception as error:
        if is_disk_full(error):
            where = f" while writing {error.filename}" if getattr(error, "filename", None) else ""
            print(f"ganforge: error: no space left on the device{where}; free some space or write elsewhere "
                  "(files written before are intact)", file=sys.stderr)
            return EXIT_USER_ERROR
        if isinstance(error, NotADirectoryError | IsADirectoryError | PermissionError | FileExistsError):
            print(f"ganforge: error: cannot write {error.filename or 'a file'} ({error.strerror}); choose another "
                  "output path", file=sys.stderr)
            return EXIT_USER_ERROR
        raise
    return 0
