import sys

from vsm_common.cli import main

from .wiring import definition

if len(sys.argv) > 1 and sys.argv[1] == "kolada":
    from .kolada_cli import main as kolada_main

    sys.exit(kolada_main(sys.argv[2:]))

main(definition)
