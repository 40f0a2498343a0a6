"""``python -m geomap.cli``: the ``geomap`` command."""

import sys

from geomap.cli.main import main

sys.exit(main())
