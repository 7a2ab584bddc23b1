#!/usr/bin/env python3
"""Looks inside a training checkpoint of the built-in model (a development aid, never run by the product or CI):

1. denoising: a held-out world clip noised to sigma 0.2 / 0.5 / 0.8, the model's clean-sample prediction and its
   mean squared error against the clip (the input's own error alongside, for scale);
2. sampling: 50 Euler steps from pure noise with the presets' shift (7) and CFG (5.8), and with milder settings.

Writes one PNG: the clip, the three predictions, then one row per sampling setting (every other frame).

With `--caption-reliance`, instead: how much the clean-sample prediction depends on each part of the caption, over 24
held-out one-object clips noised to several sigmas: its error with the right caption, with the shape word or the
colour words swapped for others, and with the empty prompt. A model that has learnt to draw the named shape does
worse with the shape swapped; the 48 000-step weights do not (the shape words are ignored; BENCHMARKS.md).

    python3 scripts/probe_model.py --checkpoint .train/ckpt.pt --out probe.png
    python3 scripts/probe_model.py --weights Sources/BuiltInModel/Resources --out probe.png
    python3 scripts/probe_model.py --weights Sources/BuiltInModel/Resources --caption-reliance
"""
import argparse
import pathlib
import sys

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import train_model as tm  # noqa: E402


def decode(latents):
    """[1, 96, 8, 16, 16] -> [16, 64, 64, 3] uint8, the inverse of train_model.encode_video."""
    x = latents.reshape(1, 3, 2, 4, 4, 8, 16, 16).permute(0, 5, 2, 6, 3, 7, 4, 1).reshape(16, 64, 64, 3)
    return ((x.clamp(-1, 1) + 1) / 2 * 255).byte().numpy()


def sample(model, cond, uncond, shift, cfg, seed=0, steps=50):
    torch.manual_seed(seed)
    x = torch.randn(1, 96, 8, 16, 16)
    base = torch.linspace(1, 0, steps + 1)
    sigmas = shift * base / (1 + (shift - 1) * base)
    for i in range(steps):
        s, s_next = sigmas[i].item(), sigmas[i + 1].item()
        x0_c = model(x, torch.tensor([s * 1000]), cond).sample
        x0_u = model(x, torch.tensor([s * 1000]), uncond).sample
        x0 = x0_u + cfg * (x0_c - x0_u)
        x = x + (s_next - s) * (x - x0) / max(s, tm.MIN_SIGMA)
    return x


def caption_reliance(model, text):
    shapes = list(tm.SHAPES)
    colours = ["red", "green", "blue", "yellow", "purple", "orange", "white", "cyan"]
    stream = tm.WorldStream(300)
    clips = []
    while len(clips) < 24:
        caption, frames = stream.next()
        if " and " not in caption:
            clips.append((caption, frames))
    stream.kill()
    x0 = tm.encode_video(torch.stack([f for _, f in clips]))
    rng = np.random.default_rng(0)

    def swapped(caption, pool):
        return " ".join(str(rng.choice([p for p in pool if p != w])) if w in pool else w for w in caption.split())

    captions = [c for c, _ in clips]
    variants = (("right", captions), ("shape swapped", [swapped(c, shapes) for c in captions]),
                ("colour swapped", [swapped(c, colours) for c in captions]), ("empty", [""] * len(captions)))
    torch.manual_seed(0)
    noise = torch.randn_like(x0)
    print("sigma | " + " | ".join(name for name, _ in variants) + "  (mean squared error of the predicted clean sample)")
    with torch.no_grad():
        for s in (0.3, 0.5, 0.7, 0.8, 0.9, 0.95):
            xt = (1 - s) * x0 + s * noise
            errors = [((model(xt, torch.full((len(cs),), s * 1000.0), text(cs)).sample - x0) ** 2).mean().item()
                      for _, cs in variants]
            print(f"{s} | " + " | ".join(f"{e:.5f}" for e in errors), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkpoint", default=".train/ckpt.pt")
    parser.add_argument("--weights", metavar="DIR", help="exported weights (the resource) instead of a checkpoint")
    parser.add_argument("--out", default="probe.png")
    parser.add_argument("--seed", type=int, default=100, help="held-out world seed (below 1 000 000)")
    parser.add_argument("--caption-reliance", action="store_true", help="the caption probe instead (see above)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    words = tm.vocabulary()
    model, text = tm.build(words)
    if args.weights:
        model_state, text_state, manifest = tm.load_exported(pathlib.Path(args.weights))
        state = {"ema_model": model_state, "ema_text": text_state, "step": manifest["trained_steps"]}
    else:
        state = torch.load(args.checkpoint, weights_only=False)
    model.load_state_dict(state["ema_model"])
    text.load_state_dict(state["ema_text"])
    model.eval()
    if args.caption_reliance:
        caption_reliance(model, text)
        return
    stream = tm.WorldStream(args.seed)
    caption, frames = stream.next()
    stream.kill()
    print(f"step {state['step']}; clip: {caption}")
    x0 = tm.encode_video(frames[None])
    torch.manual_seed(0)
    noise = torch.randn_like(x0)
    rows = [frames[::2].numpy()]
    with torch.no_grad():
        cond, uncond = text([caption]), text([""])
        for s in (0.2, 0.5, 0.8):
            xt = (1 - s) * x0 + s * noise
            predicted = model(xt, torch.tensor([s * 1000.0]), cond).sample
            print(f"sigma {s}: predicted x0 mse {((predicted - x0) ** 2).mean():.4f}, noisy input {((xt - x0) ** 2).mean():.4f}")
            rows.append(decode(predicted)[::2])
        for shift, cfg in ((7, 5.8), (3, 3.0), (1, 1.0)):
            result = sample(model, cond, uncond, shift, cfg)
            print(f"sampled from noise, shift {shift}, cfg {cfg}: max |x| {result.abs().max():.2f}")
            rows.append(decode(result)[::2])
    image = np.concatenate([np.concatenate(list(r), axis=1) for r in rows], axis=0)
    Image.fromarray(image).resize((image.shape[1] * 2, image.shape[0] * 2), Image.NEAREST).save(args.out)
    print("wrote", args.out)


if __name__ == "__main__":
    main()
