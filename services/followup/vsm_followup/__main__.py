from vsm_common.cli import main

from .wiring import definition

main(definition)
