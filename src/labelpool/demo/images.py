"""Demo images: Pillow drawings of outdoor scenes with a bounding box per object."""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

Box = dict[str, Any]


IMAGE_LABELS = ("car", "tree", "house", "sun", "person", "cloud")


@dataclass(frozen=True)
class DemoImage:
    filename: str
    content_type: str
    data: bytes
    width: int
    height: int
    scene: str  # "sunny day", "sunset", "overcast", "winter"
    boxes: list[Box]  # {"x", "y", "w", "h", "label"}, pixels, top-left origin
    tags: list[str] = field(default_factory=list)  # the distinct labels present, sorted


SCENES: dict[str, dict[str, tuple[int, int, int]]] = {
    "sunny day": {"sky": (135, 195, 240), "horizon": (200, 230, 250), "ground": (92, 160, 70)},
    "sunset": {"sky": (70, 60, 140), "horizon": (250, 150, 90), "ground": (70, 110, 60)},
    "overcast": {"sky": (150, 155, 165), "horizon": (195, 198, 205), "ground": (100, 130, 90)},
    "winter": {"sky": (170, 200, 230), "horizon": (225, 235, 245), "ground": (236, 240, 246)},
}


def _box(x0: float, y0: float, x1: float, y1: float, label: str, width: int, height: int) -> Box:
    """The box of an object drawn within (x0, y0)-(x1, y1), clipped to the image."""
    left, top = max(0, math.floor(x0)), max(0, math.floor(y0))
    right, bottom = min(width, math.ceil(x1)), min(height, math.ceil(y1))
    return {"x": left, "y": top, "w": right - left, "h": bottom - top, "label": label}


def _overlaps(a: Box, b: Box) -> bool:
    return bool(
        a["x"] < b["x"] + b["w"]
        and b["x"] < a["x"] + a["w"]
        and a["y"] < b["y"] + b["h"]
        and b["y"] < a["y"] + a["h"]
    )


def gradient(width: int, height: int, top: tuple[int, ...], bottom: tuple[int, ...]) -> Image.Image:
    t = np.linspace(0.0, 1.0, height)[:, None, None]
    colours = np.array(top, float) * (1 - t) + np.array(bottom, float) * t
    pixels = np.broadcast_to(colours, (height, width, 3)).astype(np.uint8)
    return Image.fromarray(np.ascontiguousarray(pixels), "RGB")


def _draw_sun(d: ImageDraw.ImageDraw, cx: float, cy: float, r: float, scene: str) -> None:
    colour = (255, 140, 60) if scene == "sunset" else (255, 220, 60)
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour)


def _draw_cloud(d: ImageDraw.ImageDraw, x: float, y: float, w: float, h: float) -> None:
    for i in range(3):
        px = x + i * w / 4
        d.ellipse((px, y + h * 0.25, px + w / 2, y + h), fill=(245, 245, 248))
    d.ellipse((x + w / 5, y, x + w * 0.7, y + h * 0.8), fill=(250, 250, 252))


def _draw_house(
    d: ImageDraw.ImageDraw, x: float, base: float, w: float, rng: random.Random
) -> float:
    """A house whose walls stand on `base`; returns the top of the roof."""
    wall_h = w * 0.7
    roof_h = w * 0.45
    wall = rng.choice([(225, 200, 160), (200, 120, 100), (240, 235, 220), (170, 190, 210)])
    d.rectangle((x, base - wall_h, x + w, base), fill=wall, outline=(90, 70, 60))
    d.polygon(
        [
            (x - w * 0.08, base - wall_h),
            (x + w / 2, base - wall_h - roof_h),
            (x + w * 1.08, base - wall_h),
        ],
        fill=(150, 50, 40),
    )
    d.rectangle((x + w * 0.4, base - wall_h * 0.55, x + w * 0.6, base), fill=(110, 70, 40))
    d.rectangle(
        (x + w * 0.12, base - wall_h * 0.8, x + w * 0.3, base - wall_h * 0.55), fill=(180, 220, 250)
    )
    d.rectangle(
        (x + w * 0.7, base - wall_h * 0.8, x + w * 0.88, base - wall_h * 0.55), fill=(180, 220, 250)
    )
    return base - wall_h - roof_h


def _draw_tree(d: ImageDraw.ImageDraw, cx: float, base: float, h: float, winter: bool) -> float:
    """A tree of height `h` whose trunk stands on `base`; returns its half width."""
    trunk_w, trunk_h = h * 0.12, h * 0.35
    d.rectangle((cx - trunk_w / 2, base - trunk_h, cx + trunk_w / 2, base), fill=(110, 75, 45))
    r = h * 0.34
    crown = (235, 240, 245) if winter else (40, 120, 50)
    d.ellipse((cx - r, base - h, cx + r, base - h + 2 * r), fill=crown, outline=(60, 90, 60))
    return r


def _draw_car(
    d: ImageDraw.ImageDraw, x: float, base: float, w: float, colour: tuple[int, int, int]
) -> float:
    """A car standing on `base` (wheels touch it); returns the top of the cabin."""
    body_h, cabin_h, wheel_r = w * 0.22, w * 0.2, w * 0.1
    body_top = base - wheel_r - body_h
    d.rounded_rectangle((x, body_top, x + w, base - wheel_r), radius=w * 0.05, fill=colour)
    cabin_top = body_top - cabin_h
    d.polygon(
        [
            (x + w * 0.22, body_top),
            (x + w * 0.32, cabin_top),
            (x + w * 0.68, cabin_top),
            (x + w * 0.8, body_top),
        ],
        fill=colour,
    )
    d.polygon(
        [
            (x + w * 0.3, body_top - 2),
            (x + w * 0.36, cabin_top + 4),
            (x + w * 0.64, cabin_top + 4),
            (x + w * 0.72, body_top - 2),
        ],
        fill=(190, 225, 245),
    )
    for wx in (x + w * 0.22, x + w * 0.78):
        d.ellipse((wx - wheel_r, base - 2 * wheel_r, wx + wheel_r, base), fill=(30, 30, 30))
        d.ellipse(
            (wx - wheel_r / 2, base - 1.5 * wheel_r, wx + wheel_r / 2, base - wheel_r / 2),
            fill=(160, 160, 160),
        )
    return cabin_top


def _draw_person(
    d: ImageDraw.ImageDraw, cx: float, base: float, h: float, rng: random.Random
) -> float:
    """A simple figure `h` tall standing on `base`; returns its half width."""
    head_r = h * 0.11
    shirt = rng.choice([(40, 90, 200), (200, 60, 60), (240, 180, 40), (60, 150, 90)])
    half = h * 0.2
    d.ellipse((cx - head_r, base - h, cx + head_r, base - h + 2 * head_r), fill=(225, 180, 140))
    body_top, hip = base - h + 2 * head_r, base - h * 0.4
    d.rectangle((cx - h * 0.1, body_top, cx + h * 0.1, hip), fill=shirt)
    d.line(
        (cx - h * 0.1, body_top + 3, cx - half, hip - h * 0.05),
        fill=shirt,
        width=max(2, int(h * 0.05)),
    )
    d.line(
        (cx + h * 0.1, body_top + 3, cx + half, hip - h * 0.05),
        fill=shirt,
        width=max(2, int(h * 0.05)),
    )
    d.line(
        (cx - h * 0.05, hip, cx - h * 0.12, base), fill=(50, 50, 70), width=max(2, int(h * 0.06))
    )
    d.line(
        (cx + h * 0.05, hip, cx + h * 0.12, base), fill=(50, 50, 70), width=max(2, int(h * 0.06))
    )
    return half


def demo_image(index: int, seed: int = 0, *, width: int = 320, height: int = 240) -> DemoImage:
    """One scene; the same (index, seed) always gives the same picture and boxes."""
    rng = random.Random(seed * 1_000_003 + index)
    scene = list(SCENES)[index % len(SCENES)]
    palette = SCENES[scene]
    horizon = int(height * rng.uniform(0.5, 0.62))
    image = gradient(width, height, palette["sky"], palette["horizon"])
    d = ImageDraw.Draw(image)
    d.rectangle((0, horizon, width, height), fill=palette["ground"])
    boxes: list[Box] = []

    if scene != "overcast":
        r = rng.uniform(14, 22)
        cx = rng.uniform(r + 4, width - r - 4)
        cy = rng.uniform(r + 4, horizon - r - 10) if scene != "sunset" else horizon - r * 0.2
        _draw_sun(d, cx, cy, r, scene)
        boxes.append(_box(cx - r, cy - r, cx + r, min(cy + r, horizon), "sun", width, height))
        if scene == "sunset":  # the ground hides the lower part of the setting sun
            d.rectangle((0, horizon, width, height), fill=palette["ground"])
    for _ in range(rng.randint(1, 2) if scene != "sunny day" else rng.randint(0, 1)):
        w, h = rng.uniform(50, 80), rng.uniform(22, 30)
        for _attempt in range(20):  # keep clouds clear of the sun and of each other
            x, y = rng.uniform(0, width - w), rng.uniform(4, max(6, horizon - h - 40))
            cloud = _box(x, y, x + w, y + h, "cloud", width, height)
            if not any(_overlaps(cloud, other) for other in boxes):
                break
        else:
            continue
        _draw_cloud(d, x, y, w, h)
        boxes.append(cloud)

    # Far row (houses and trees standing on the horizon band), then near row (cars, people).
    slots = sorted(rng.sample(range(6), rng.randint(2, 3)))
    for slot in slots:
        x0 = slot * width / 6 + rng.uniform(0, 8)
        base = horizon + rng.uniform(6, 14)
        if rng.random() < 0.5:
            w = rng.uniform(40, 52)
            top = _draw_house(d, x0, base, w, rng)
            boxes.append(_box(x0 - w * 0.08, top, x0 + w * 1.08, base, "house", width, height))
        else:
            h = rng.uniform(50, 75)
            cx = x0 + 20
            half = _draw_tree(d, cx, base, h, scene == "winter")
            boxes.append(_box(cx - half, base - h, cx + half, base, "tree", width, height))
    near_base = height - rng.uniform(12, 30)
    car_w = rng.uniform(80, 110)
    car_x = rng.uniform(4, width - car_w - 60)
    colour = rng.choice([(210, 30, 35), (200, 20, 60), (230, 40, 30)])
    top = _draw_car(d, car_x, near_base, car_w, colour)
    boxes.append(_box(car_x, top, car_x + car_w, near_base, "car", width, height))
    if rng.random() < 0.75:
        h = rng.uniform(45, 65)
        cx = rng.uniform(car_x + car_w + 22, width - 18) if car_x + car_w + 40 < width else 20
        person_base = near_base + rng.uniform(-4, 4)
        half = _draw_person(d, cx, person_base, h, rng) + 2  # + the arms' line width
        boxes.append(
            _box(cx - half, person_base - h, cx + half, person_base + 2, "person", width, height)
        )

    as_jpeg = index % 2 == 1
    buffer = io.BytesIO()
    if as_jpeg:
        image.save(buffer, "JPEG", quality=88)
    else:
        image.save(buffer, "PNG", optimize=False, compress_level=6)
    name = f"scene-{index + 1:02d}.{'jpg' if as_jpeg else 'png'}"
    return DemoImage(
        filename=name,
        content_type="image/jpeg" if as_jpeg else "image/png",
        data=buffer.getvalue(),
        width=width,
        height=height,
        scene=scene,
        boxes=boxes,
        tags=sorted({b["label"] for b in boxes}),
    )


def demo_images(
    n: int = 8, seed: int = 0, *, width: int = 320, height: int = 240
) -> list[DemoImage]:
    """`n` varied scenes (PNG and JPEG alternately) with their ground-truth boxes."""
    return [demo_image(i, seed, width=width, height=height) for i in range(n)]
