"""What the ``geomap`` command's exit codes mean; every command returns one of these.

0 success; 1 a command found nothing to do its job with; 2 bad usage or bad input;
3 gazetteer index missing, corrupt or unbuildable; 4 ``geomap batch``: some inputs failed
(listed in failures.jsonl), the good ones were written; 5 the incident store is missing, not a
geomap store, too new or cannot be written; 130 interrupted.
"""

EXIT_OK = 0
EXIT_EMPTY = 1
EXIT_USAGE = 2
EXIT_GAZETTEER = 3
EXIT_PARTIAL = 4
EXIT_STORE = 5
EXIT_INTERRUPTED = 130
