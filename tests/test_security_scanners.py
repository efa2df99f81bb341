from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from django.conf import settings


def test_bandit_finds_nothing_of_high_severity():
    bandit = Path(sys.executable).with_name("bandit")
    result = subprocess.run(
        [str(bandit), "-q", "-r", "chime", "sessions", "ethics", "-lll", "-f", "txt"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
