"""Matplotlib with a CJK font, so Chinese chart titles, axes and legends render (not as boxes).
Shared by the eval report and the insights report. fonts-noto-cjk comes from scripts/setup.sh."""
from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

# Preferred families, best first; any one of them draws Simplified and Traditional Chinese.
CJK_FAMILIES = ["Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Sans CJK JP", "Source Han Sans SC", "WenQuanYi Zen Hei",
                "WenQuanYi Micro Hei", "Noto Serif CJK SC", "AR PL UMing CN", "Droid Sans Fallback"]
FONT_DIRS = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts"]


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """Register the system's CJK font files with matplotlib and return the family used (None: none found)."""
    from matplotlib import font_manager

    known = {f.name for f in font_manager.fontManager.ttflist}
    if not known & set(CJK_FAMILIES):  # matplotlib's cache may predate the font install: add the files
        for folder in FONT_DIRS:
            for path in list(folder.rglob("*CJK*.tt[cf]")) + list(folder.rglob("wqy*.tt[cf]")) if folder.exists() else []:
                try:
                    font_manager.fontManager.addfont(str(path))
                except Exception:  # noqa: BLE001 — one unreadable font file is no reason to stop
                    continue
        known = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in known:
            return family
    log.warning("no CJK font found (install fonts-noto-cjk: scripts/setup.sh): Chinese chart text will not render")
    return None


def pyplot():
    """matplotlib.pyplot on the Agg backend with the CJK font first in line."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    family = cjk_font()
    if family:
        plt.rcParams["font.sans-serif"] = [family, *plt.rcParams["font.sans-serif"]]
        plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["axes.unicode_minus"] = False  # the CJK fonts lack U+2212
    plt.rcParams["font.size"] = 11
    return plt


def save(fig, path: Path, dpi: int = 120) -> Path:
    """bbox_inches="tight" keeps legends placed outside the axes inside the image."""
    fig.savefig(path, dpi=dpi, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return path
