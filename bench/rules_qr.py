"""What reading QR codes in images costs, and how often it reads them.
Not a test: run it and read the table.

    python bench/rules_qr.py [--repeats 5]

Images are made here (segno, Pillow): a QR code as residents' ads carry it
(a poster photographed or screenshotted: the code a fraction of the picture,
the rest busy, saved as JPEG at phone quality), at several sizes, and the
ordinary resident's photo with no code at all, which is what most images
are: its decode is pure cost. Each row is the median wall time of
``plugins.rules.qr.decode`` (run in the guard's background task, in a
thread) and whether the code was read. The guard's text path does none of
this: it only starts the background task.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import nonebot  # noqa: E402

TEXT = "https://qm.qq.com/q/Xy7AbCdEfG"


def busy(width: int, height: int, seed: int = 7):
    """A photo-like background: blocks of colour and noise."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), (180, 170, 160))
    draw = ImageDraw.Draw(image)
    for _ in range(400):
        x, y = rng.randrange(width), rng.randrange(height)
        w, h = rng.randrange(20, width // 4), rng.randrange(20, height // 4)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.rectangle((x, y, x + w, y + h), fill=colour)
    return image.filter(ImageFilter.GaussianBlur(2))


def poster(width: int, height: int, share: float, quality: int = 80) -> bytes:
    """A ``width``×``height`` JPEG with a QR code ``share`` of its width."""
    import segno
    from PIL import Image

    image = busy(width, height)
    buf = io.BytesIO()
    segno.make(TEXT, error="m").save(buf, kind="png", scale=10, border=4)
    code = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    side = int(width * share)
    code = code.resize((side, side), Image.Resampling.NEAREST)
    image.paste(code, ((width - side) // 2, (height - side) // 2))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def photo(width: int, height: int) -> bytes:
    out = io.BytesIO()
    busy(width, height, seed=11).save(out, format="JPEG", quality=85)
    return out.getvalue()


def main(repeats: int) -> None:
    nonebot.init(log_level="WARNING")
    nonebot.load_plugin("plugins.core")
    nonebot.load_plugin("plugins.rules")
    from plugins.rules.qr import decode

    cases = [
        ("QR poster 1080×1920, code 60% wide", poster(1080, 1920, 0.6)),
        ("QR poster 1080×1920, code 30% wide", poster(1080, 1920, 0.3)),
        ("QR poster 1080×1920, code 15% wide", poster(1080, 1920, 0.15)),
        ("QR poster 1080×1920, q=40 JPEG", poster(1080, 1920, 0.3, quality=40)),
        ("QR poster 3000×4000, code 20% wide", poster(3000, 4000, 0.2)),
        ("photo 1080×1440, no code", photo(1080, 1440)),
        ("photo 3000×4000, no code", photo(3000, 4000)),
    ]
    print(f"{'image':40} {'bytes':>9} {'ms (median)':>12}  read")
    for name, data in cases:
        times = []
        found: list[str] = []
        for _ in range(repeats):
            started = time.perf_counter()
            found = decode(data)
            times.append(time.perf_counter() - started)
        ok = "yes" if TEXT in found else ("-" if "no code" in name else "NO")
        ms = statistics.median(times) * 1000
        print(f"{name:40} {len(data):>9} {ms:>12.1f}  {ok}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    main(parser.parse_args().repeats)
