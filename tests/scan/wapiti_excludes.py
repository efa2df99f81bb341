"""Run Debian's wapiti 3.0.4 with its `-x` (exclude) option working on Python 3.11.

wapiti 3.0.4 turns every `-x` pattern into a regular expression ending in `\\Z(?ms)`; Python 3.11 refuses global
flags that are not at the start, so any `-x` crashes the scan. This puts the flags first, then runs wapiti as is.
Run it with the interpreter wapiti itself uses: `/usr/bin/python3 tests/scan/wapiti_excludes.py ARGS...`.
"""

import re
import sys

from wapitiCore.main import wapiti
from wapitiCore.net import crawler


def wildcard_translate(pattern: str) -> re.Pattern:
    return re.compile("(?ms)" + ".*".join(re.escape(part) for part in pattern.split("*")) + r"\Z")


crawler.wildcard_translate = wildcard_translate

if __name__ == "__main__":
    sys.argv[0] = "wapiti"
    sys.exit(wapiti.wapiti_main())
