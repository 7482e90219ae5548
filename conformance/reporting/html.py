"""report.html: a single-file Allure 3 report, generated offline.

Allure 3's page always embeds a third-party analytics tag; the harness removes it
so the report loads nothing from outside (and works from file://).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
_ANALYTICS = re.compile(
    r"<script[^>]*googletagmanager[^>]*>\s*</script>|<script>(?:(?!</script>).)*?(?:gtag|dataLayer)(?:(?!</script>).)*?</script>",
    re.DOTALL,
)
CONFIG = """export default {
  name: "DICOMweb conformance",
  output: "%s",
  plugins: { awesome: { options: { singleFile: true, reportName: "DICOMweb conformance",
                                   groupBy: ["epic", "feature", "story"] } } },
};
"""


def allure_binary() -> Path | None:
    env = os.environ.get("DICOMWEB_ALLURE")
    for candidate in ([Path(env)] if env else []) + [PROJECT_ROOT / "node_modules" / ".bin" / "allure"]:
        if candidate.exists():
            return candidate
    found = shutil.which("allure")
    return Path(found) if found else None


def strip_analytics(html: str) -> str:
    return _ANALYTICS.sub("", html)


def generate_html(results_dir: Path, out_file: Path, timeout_s: float = 600) -> str | None:
    """Writes out_file; returns None on success, else a one-line reason."""
    binary = allure_binary()
    if binary is None:
        return "Allure 3 is not installed (run `npm ci` in the project folder, or set DICOMWEB_ALLURE); report.html not written"
    with tempfile.TemporaryDirectory(prefix="dicomweb-allure-") as tmp:
        out_dir = Path(tmp) / "report"
        config = Path(tmp) / "allurerc.mjs"
        config.write_text(CONFIG % out_dir.as_posix())
        try:
            proc = subprocess.run([str(binary), "generate", str(results_dir), "--config", str(config)],
                                  capture_output=True, text=True, timeout=timeout_s, cwd=tmp)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"Allure failed to run: {exc}"
        index = out_dir / "index.html"
        if proc.returncode != 0 or not index.exists():
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
            return f"Allure exited with {proc.returncode}: {tail[0]}"
        out_file.write_text(strip_analytics(index.read_text(encoding="utf-8")), encoding="utf-8")
    return None
