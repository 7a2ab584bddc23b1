#!/usr/bin/env python3
"""Motion fidelity (Yatim et al., CVPR 2024) with OpenCV's tracker: the independent cross-check of the Swift
implementation in Sources/Evaluation (MotionFidelity.swift, LucasKanade.swift, Tracklets.swift). The product never runs
this; it exists to show that the Swift tracker and score agree with OpenCV's on the same clips.

    pip install -r scripts/requirements.txt      # opencv-python-headless, numpy
    python3 scripts/eval_motion.py source.mp4 generated.mp4
    python3 scripts/eval_motion.py a.gray b.gray --size 256x256   # raw 8-bit gray (ffmpeg -f rawvideo -pix_fmt gray)

Prints one JSON object: score (the paper's symmetric form), source_to_generated, generated_to_source (the one
direction the authors' code reports), the tracklet counts and the frames compared. Same choices as the Swift code:
  - a grid of points `stride` apart, the first half a stride in; pyramidal LK, 15x15 window, 3 levels (maxLevel 2),
    30 iterations or a step under 0.01 px, minimum eigenvalue 1e-4; a point is dropped for good once OpenCV loses it
    or it ends outside the frame;
  - similarity of two tracklets = cosine of their whole displacement sequences; tracklets whose displacements'
    root-sum-square is under `min_motion` px are left out; neither clip moving = 1, one moving = 0;
  - clips of different lengths are compared over their common first frames.
Video files are read with cv2.VideoCapture and turned gray with cv2.cvtColor (BT.601 luma), which may differ by a
level from ffmpeg's gray; raw .gray input gives both implementations the very same pixels.
"""
import argparse
import json

import cv2
import numpy as np


def read_gray(path, size=None):
    """[F, H, W] uint8."""
    if path.endswith(".gray"):
        if size is None:
            raise SystemExit("raw .gray input needs --size WxH")
        w, h = size
        return np.fromfile(path, np.uint8).reshape(-1, h, w)
    capture = cv2.VideoCapture(path)
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY))
    capture.release()
    if not frames:
        raise SystemExit(f"no frames read from {path}")
    return np.stack(frames)


def track(frames, stride, window, levels):
    """Tracklets [N, F, 2] (x, y) of the grid points that survive every frame."""
    _, h, w = frames.shape
    grid = [(x, y) for y in range(stride // 2, h, stride) for x in range(stride // 2, w, stride)]
    points = np.array(grid, np.float32).reshape(-1, 1, 2)
    paths = [points.reshape(-1, 2)]
    alive = np.ones(len(points), bool)
    criteria = (cv2.TERM_CRITERIA_COUNT | cv2.TERM_CRITERIA_EPS, 30, 0.01)
    for before, after in zip(frames[:-1], frames[1:]):
        found, status, _ = cv2.calcOpticalFlowPyrLK(before, after, points, None, winSize=(window, window),
                                                    maxLevel=levels - 1, criteria=criteria, minEigThreshold=1e-4)
        p = found.reshape(-1, 2)
        inside = (p[:, 0] >= 0) & (p[:, 0] <= w - 1) & (p[:, 1] >= 0) & (p[:, 1] <= h - 1)
        alive &= (status.reshape(-1) == 1) & inside
        paths.append(p)
        points = found
    return np.stack(paths, 1)[alive]


def directions(tracklets, steps, min_motion):
    """Unit vectors of the moving tracklets' first `steps` displacements, [moving, 2 * steps]."""
    d = (tracklets[:, 1:steps + 1] - tracklets[:, :steps]).reshape(len(tracklets), -1).astype(np.float64)
    norm = np.linalg.norm(d, axis=1)
    moving = norm >= min_motion
    return d[moving] / norm[moving, None]


def motion_fidelity(source, generated, min_motion):
    steps = min(source.shape[1], generated.shape[1]) - 1
    a, b = directions(source, steps, min_motion), directions(generated, steps, min_motion)
    if len(a) == 0 or len(b) == 0:
        agree = 1.0 if len(a) == len(b) else 0.0
        return agree, agree
    similarity = a @ b.T                                                    # [source, generated]
    return float(similarity.max(1).mean()), float(similarity.max(0).mean())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source")
    parser.add_argument("generated")
    parser.add_argument("--size", help="WxH of raw .gray input")
    parser.add_argument("--stride", type=int, default=8)
    parser.add_argument("--window", type=int, default=15)
    parser.add_argument("--levels", type=int, default=3)
    parser.add_argument("--min-motion", type=float, default=1.0)
    args = parser.parse_args()
    size = tuple(int(v) for v in args.size.split("x")) if args.size else None
    source, generated = read_gray(args.source, size), read_gray(args.generated, size)
    frames = min(len(source), len(generated))
    a = track(source[:frames], args.stride, args.window, args.levels)
    b = track(generated[:frames], args.stride, args.window, args.levels)
    to_generated, to_source = motion_fidelity(a, b, args.min_motion)
    print(json.dumps({
        "score": (to_generated + to_source) / 2,
        "source_to_generated": to_generated,
        "generated_to_source": to_source,
        "source_tracklets": len(a),
        "generated_tracklets": len(b),
        "frames": frames,
    }))


if __name__ == "__main__":
    main()
