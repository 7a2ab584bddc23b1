#!/usr/bin/env python3
"""Trains the built-in model: diffusers' WanTransformer3DModel in a small config plus a word-level text encoder,
on clips of the procedural world rendered by the Swift generator (one implementation for training and evaluation).

Run from the repository root (developer machine or the lent GPU machine; never in CI):

    swift build -c release --product fastvmt-world
    pip install -r scripts/requirements.txt
    python3 scripts/train_model.py --steps 4000 --checkpoint .train/ckpt.pt      # resumes if the checkpoint exists
    python3 scripts/train_model.py --steps 12000 --init Sources/BuiltInModel/Resources  # or continues from exported weights
    python3 scripts/train_model.py --export-only --checkpoint .train/ckpt.pt     # writes the SwiftPM resource

On the lent GPU machine: scripts/train_on_device.sh (several generator processes, `--writers`; each clip at several
noise levels a batch, `--noise-draws`; a run of fixed seconds, `--time-limit`). Not yet run on a GPU.

Model space (the Swift PixelCodec does the same): 16 frames of 64x64 RGB in [0, 1] -> x*2-1 -> each 2-frame x 4x4-pixel
block becomes 96 channels: latents [96, 8, 16, 16], channel = ((c*2 + dt)*4 + dy)*4 + dx.
Text: word ids -> token embedding + position embedding, zero-padded to MAX_WORDS (the empty prompt is all zeros).
Training: rectified flow, x_s = (1-s)*x0 + s*noise, s = shifted sigmoid(N(0,1)) (shift 3, as the sampler's shift
applies at inference: from step 10 100 on; before, unshifted, which left the high-noise steps, where the sampler spends
most of its time, nearly untrained: half-noised clips were denoised well while sampling from noise diverged;
from step 31 700 on, `--shift 7`, the presets' sampling shift, which puts half of the sampler's steps above s = 0.875),
timestep = 1000*s. The transformer predicts
the clean sample x0 (a token holds 2x2 positions x 96 channels = 384 numbers, more than the 128-wide model can carry;
noise cannot be squeezed through that, clean images can: Li & He, "Back to Basics: Let Denoising Generative Models
Denoise", 2025); the loss is on the velocity it implies, (x_s - x0_pred) / max(s, 0.05) vs noise - x0;
10 % of captions dropped to the empty prompt (for classifier-free guidance); AdamW; EMA weights are exported.
`--object-weight W` weights the loss by 1 + W on the objects and 2 pixels around them (the world's coverage,
`fastvmt-world --coverage`): the 48 000-step weights ignore the shape words (`probe_model.py
--caption-reliance`: swapping them leaves the error unchanged at every sigma), and a shape's share of the plain loss,
a few boundary pixels of a clip that is mostly background, is too small to teach them.
Training clips use seeds from 1_000_000 up; seeds below 1_000_000 are held out for evaluation.
From step 32 800 on, `--bf16 --compile` (on 2 CPU cores 0.49 -> 0.28 s for a batch's forward and backward).
Tried on 2026-12-03 and not kept: the step-48 000 weights grown to 256 wide, 4 heads, FFN 1024, 8 blocks
(`grow_model.py --noise 0.01 --seed 0`, after setting CONFIG to that size), then
`--init .train/grown --steps 53000 --lr 2e-3 --shift 7 --bf16 --compile` (2.4e-4 -> 2.1e-4 on this stretch of the
cosine; 1.9 s a step on a 2-core Xeon with AMX) for 2 600 steps: on the 20 held-out clips, `fast` 16.5 s a clip,
colour 85 %, shape 10 %, path error 16.4 % (unguided 21.8 %), worse than the shipped weights (BENCHMARKS.md).
Tried on 2026-12-03 (third session) and not kept: `--init Sources/BuiltInModel/Resources --steps 72000 --lr 1e-3
--shift 3 --object-weight 4 --bf16 --compile`, stopped at step 53 000 (0.83 s a step): the shape words stayed ignored
(`probe_model.py --caption-reliance`), and on the 20 held-out clips `fast` gave colour 95 %, shape 10 %, path error
13.0 % (unguided 21.9 %), no better than the shipped weights (BENCHMARKS.md).
Tried on 2026-12-03 (fourth session) and not kept: `--init Sources/BuiltInModel/Resources --steps 72000 --lr 1e-3
--shift 3 --shape-contrast 0.2 --bf16 --compile` (1.5 s a step) to step 48 900, then resumed with `--shape-contrast 2`
to step 51 260: the mean e_s / e_r of `shape_contrast` stayed at 0.999-1.008 throughout, and at weight 2 the plain loss
rose from about 0.055 to 0.09. Not evaluated; the shipped weights stay.
"""
import argparse
import json
import math
import os
import pathlib
import struct
import subprocess
import time

import torch
import torch.nn.functional as F
from diffusers import WanTransformer3DModel
from safetensors.torch import load_file, save_file

ROOT = pathlib.Path(__file__).resolve().parent.parent
# The world generator: `swift build -c release --product fastvmt-world`, or a static build carried to the GPU machine
# (scripts/train_on_device.sh), named by FASTVMT_WORLD.
WORLD = pathlib.Path(os.environ.get("FASTVMT_WORLD", ROOT / ".build" / "release" / "fastvmt-world"))
RESOURCE = ROOT / "Sources" / "BuiltInModel" / "Resources"
FRAMES, SIZE, MAX_WORDS, TEXT_DIM = 16, 64, 24, 64
CONFIG = dict(
    patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=64, in_channels=96, out_channels=96,
    text_dim=TEXT_DIM, freq_dim=64, ffn_dim=512, num_layers=6, cross_attn_norm=True, qk_norm="rms_norm_across_heads",
    eps=1e-6, rope_max_seq_len=256,
)
FIRST_TRAINING_SEED = 1_000_000
STATE = {"step": 0}
MIN_SIGMA = 0.05
# The sampler's shift the product uses for this model (model.json's sampling_shift; presets leave it to the model).
# On the 20 held-out evaluation clips with the shipped 48 000-step weights, `fast` at shift 7 / 3 / 2: path error 19.6 /
# 11.5 / 11.4 % of the width (unguided 25.7 / 21.1 / 19.0 %), colour right 95 / 95 / 80 % (BENCHMARKS.md).
SAMPLING_SHIFT = 3.0


SHAPES = ("circle", "square", "triangle", "diamond", "cross")


def vocabulary():
    return json.loads(subprocess.check_output([str(WORLD), "--vocabulary"]))


class WorldStream:
    """Clips from `fastvmt-world`, read from its stdout: seeds first_seed, first_seed + 1, ... in order, from `writers`
    processes that render every writers-th seed each (the same clips in the same order as one process)."""

    def __init__(self, first_seed, coverage=False, writers=1):
        self.coverage = coverage
        self.processes = [subprocess.Popen(
            [str(WORLD), "--first-seed", str(first_seed + i), "--seed-stride", str(writers), "--count", "0",
             "--size", str(SIZE), "--frames", str(FRAMES)] + (["--coverage"] if coverage else []),
            stdout=subprocess.PIPE, bufsize=1 << 20) for i in range(writers)]
        self.turn = 0
        self.frame_bytes = FRAMES * SIZE * SIZE * 3

    def kill(self):
        for process in self.processes:
            process.kill()

    @staticmethod
    def _read(process, n):
        data = process.stdout.read(n)
        assert len(data) == n, "world generator ended"
        return data

    def next(self):
        process = self.processes[self.turn]
        self.turn = (self.turn + 1) % len(self.processes)
        (length,) = struct.unpack("<I", self._read(process, 4))
        caption = self._read(process, length).decode()
        frames = torch.frombuffer(bytearray(self._read(process, self.frame_bytes)), dtype=torch.uint8).view(FRAMES, SIZE, SIZE, 3)
        if not self.coverage:
            return caption, frames
        coverage = torch.frombuffer(bytearray(self._read(process, FRAMES * SIZE * SIZE)), dtype=torch.uint8).view(FRAMES, SIZE, SIZE)
        return caption, frames, coverage


def near_objects(coverage):
    """[B, F, S, S] uint8 object coverage -> [B, 96, F/2, S/4, S/4] in the latent layout: the coverage of the objects
    and 2 pixels around them (a shape is its boundary, and both sides of it), 0 elsewhere."""
    b = coverage.shape[0]
    near = F.max_pool2d(coverage.float().view(b * FRAMES, 1, SIZE, SIZE) / 255, 5, stride=1, padding=2)
    return latent_layout(near.view(b, FRAMES, SIZE, SIZE, 1).expand(b, FRAMES, SIZE, SIZE, 3))


def object_weights(coverage, weight):
    """Loss weights in the latent layout: 1 + weight near the objects (`near_objects`), 1 elsewhere."""
    return 1 + weight * near_objects(coverage)


def latent_layout(x):
    """Per-pixel values [B, F, S, S, 3] -> the latent layout [B, 96, F/2, S/4, S/4]."""
    b = x.shape[0]
    x = x.reshape(b, FRAMES // 2, 2, SIZE // 4, 4, SIZE // 4, 4, 3)       # b f' dt y' dy x' dx c
    x = x.permute(0, 7, 2, 4, 6, 1, 3, 5)                                  # b c dt dy dx f' y' x'
    return x.reshape(b, 96, FRAMES // 2, SIZE // 4, SIZE // 4).contiguous()


def encode_video(frames):
    """[B, F, S, S, 3] uint8 -> latents [B, 96, F/2, S/4, S/4]."""
    return latent_layout(frames.float() / 255 * 2 - 1)


def shape_swapped(caption):
    """The caption, which names at least one shape, with one of its shape words (drawn at random) replaced by
    another shape."""
    words = caption.split()
    places = [i for i, w in enumerate(words) if w in SHAPES]
    i = places[torch.randint(len(places), ()).item()]
    others = [shape for shape in SHAPES if shape != words[i]]
    words[i] = others[torch.randint(len(others), ()).item()]
    return " ".join(words)


def shape_contrast(forward, text, clips, x0, args, device):
    """A term that rewards using the shape word and nothing else: for `--contrast-batch` clips noised to a sigma
    above `--contrast-sigma` (where the noisy input no longer shows the object's outline), the clean-sample errors
    near the objects with the right caption (e_r) and with one shape word swapped (e_s) go into
    softplus(-(e_s - e_r) / (temperature * mean(e_r, e_s))), a logistic loss on which caption fits. Its gradients
    on e_r and e_s are equal and opposite, so a model that cannot tell the captions apart gains nothing by making
    every prediction worse. (A hinge on e_s / e_r with e_r held constant did exactly that: the plain loss rose from
    0.05 to 0.38 in 80 steps.) Returns the term and the mean e_s / e_r."""
    chosen = [i for i, c in enumerate(clips) if any(w in SHAPES for w in c[0].split())][:args.contrast_batch]
    n = len(chosen)
    if n == 0:
        return torch.zeros((), device=device), 1.0
    right = [clips[i][0] for i in chosen]
    swapped = [shape_swapped(c) for c in right]
    target = x0[chosen]
    sigma = torch.empty(n, device=device).uniform_(args.contrast_sigma, 0.98)
    s = sigma.view(-1, 1, 1, 1, 1)
    xt = (1 - s) * target + s * torch.randn_like(target)
    with torch.autocast(device.type, dtype=torch.bfloat16, enabled=args.bf16):
        predicted = forward(torch.cat([xt, xt]), torch.cat([sigma, sigma]) * 1000, text(right + swapped).to(device)).sample.float()
    near = near_objects(torch.stack([clips[i][2] for i in chosen])).to(device)
    near = torch.cat([near, near])
    error = (near * (predicted - torch.cat([target, target])) ** 2).sum(dim=(1, 2, 3, 4)) / near.sum(dim=(1, 2, 3, 4))
    e_r, e_s = error[:n], error[n:]
    scale = args.contrast_temperature * (e_r + e_s).detach() / 2
    return F.softplus(-(e_s - e_r) / scale).mean(), (e_s / e_r).mean().item()


class TextEncoder(torch.nn.Module):
    def __init__(self, words):
        super().__init__()
        self.index = {w: i for i, w in enumerate(words)}
        self.token_embedding = torch.nn.Embedding(len(words), TEXT_DIM)
        self.position_embedding = torch.nn.Parameter(torch.zeros(MAX_WORDS, TEXT_DIM))
        torch.nn.init.normal_(self.token_embedding.weight, std=1.0)
        torch.nn.init.normal_(self.position_embedding, std=0.3)

    def forward(self, captions):
        out = torch.zeros(len(captions), MAX_WORDS, TEXT_DIM)
        for row, caption in enumerate(captions):
            ids = [self.index[w] for w in caption.split() if w in self.index][:MAX_WORDS]
            if ids:
                n = len(ids)
                out[row, :n] = self.token_embedding(torch.tensor(ids)) + self.position_embedding[:n]
        return out


def build(words):
    torch.manual_seed(0)
    return WanTransformer3DModel(**CONFIG), TextEncoder(words)


def load_exported(path):
    """What `export` wrote, as float32 state dicts of the transformer and the text encoder, and the manifest."""
    shipped = load_file(path / "model.safetensors")
    text_state = {k[len("text_encoder."):]: v.float() for k, v in shipped.items() if k.startswith("text_encoder.")}
    text_state["position_embedding"] = text_state.pop("position_embedding.weight")
    model_state = {k: v.float() for k, v in shipped.items() if not k.startswith("text_encoder.")}
    return model_state, text_state, json.loads((path / "model.json").read_text())


def export(model, text, words, path=RESOURCE):
    path.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().to(torch.float16).contiguous() for k, v in model.state_dict().items()}
    tensors["text_encoder.token_embedding.weight"] = text.token_embedding.weight.detach().to(torch.float16).contiguous()
    tensors["text_encoder.position_embedding.weight"] = text.position_embedding.detach().to(torch.float16).contiguous()
    save_file(tensors, path / "model.safetensors")
    config = {k: (list(v) if isinstance(v, tuple) else v) for k, v in dict(model.config).items() if not k.startswith("_")}
    (path / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    (path / "model.json").write_text(json.dumps({
        "words": words, "max_words": MAX_WORDS,
        "codec": {"size": SIZE, "frames": FRAMES, "frame_group": 2, "pixel_group": 4},
        "prediction": "sample", "min_sigma": MIN_SIGMA, "sampling_shift": SAMPLING_SHIFT,
        "trained_steps": STATE["step"],
    }, indent=2) + "\n")
    print("exported", path, os.path.getsize(path / "model.safetensors"), "bytes", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=4000)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--lr", type=float, default=5e-4)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--ema", type=float, default=0.998)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--checkpoint", default=str(ROOT / ".train" / "ckpt.pt"))
    parser.add_argument("--checkpoint-every", type=int, default=100)
    parser.add_argument("--export-only", action="store_true")
    parser.add_argument("--init", metavar="DIR",
                        help="without a checkpoint, continue from exported weights (the resource or grow_model.py's)")
    parser.add_argument("--out", metavar="DIR", default=str(RESOURCE), help="where the weights are exported")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--writers", type=int, default=1, help="world generator processes (one per spare core)")
    parser.add_argument("--noise-draws", type=int, default=1,
                        help="times each clip enters a batch, each at its own noise (a batch holds batch x this)")
    parser.add_argument("--time-limit", type=float, default=0,
                        help="seconds: stop, checkpoint and export then, with the cosine over this run's seconds")
    parser.add_argument("--bf16", action="store_true", help="bfloat16 autocast (weights, optimiser and EMA stay float32)")
    parser.add_argument("--compile", action="store_true", help="torch.compile the transformer (about a minute to start)")
    parser.add_argument("--shift", type=float, default=3.0, help="shift of the training noise levels (see above)")
    parser.add_argument("--object-weight", type=float, default=0.0,
                        help="extra loss weight on object pixels and their surroundings (see above)")
    parser.add_argument("--shape-contrast", type=float, default=0.0,
                        help="weight of the shape-word term (`shape_contrast`)")
    parser.add_argument("--contrast-batch", type=int, default=4)
    parser.add_argument("--contrast-sigma", type=float, default=0.88)
    parser.add_argument("--contrast-temperature", type=float, default=0.05)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)

    words = vocabulary()
    model, text = build(words)
    ema_model, ema_text = build(words)
    ema_model.load_state_dict(model.state_dict())
    ema_text.load_state_dict(text.state_dict())
    params = list(model.parameters()) + list(text.parameters())
    optimiser = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01, betas=(0.9, 0.99))
    step, generator_seed = 0, FIRST_TRAINING_SEED
    warmup_start = 0  # the step the optimiser's moments started from
    ckpt = pathlib.Path(args.checkpoint)
    if ckpt.exists():
        state = torch.load(ckpt, weights_only=False)
        model.load_state_dict(state["model"]); text.load_state_dict(state["text"])
        ema_model.load_state_dict(state["ema_model"]); ema_text.load_state_dict(state["ema_text"])
        optimiser.load_state_dict(state["optimiser"])
        step, generator_seed = state["step"], state["next_seed"]
        warmup_start = state.get("warmup_start", 0)
        STATE["step"] = step
        torch.set_rng_state(state["rng"])
        print(f"resumed at step {step}", flush=True)
    elif args.init:
        # Exported weights (the EMA, in F16) start both copies; the optimiser's moments start afresh.
        init = pathlib.Path(args.init)
        model_state, text_state, manifest = load_exported(init)
        for m, t in ((model, text), (ema_model, ema_text)):
            m.load_state_dict(model_state); t.load_state_dict(text_state)
        step = STATE["step"] = manifest["trained_steps"]
        generator_seed = FIRST_TRAINING_SEED + 8 * step
        warmup_start = step
        print(f"started from {init} at step {step}", flush=True)
    if args.export_only:
        export(ema_model, ema_text, words, pathlib.Path(args.out))
        return
    torch.manual_seed(1234 + step)
    model.to(device).train(); text.to(device).train(); ema_model.to(device)
    forward = torch.compile(model) if args.compile else model
    stream = WorldStream(generator_seed, coverage=args.object_weight > 0 or args.shape_contrast > 0, writers=args.writers)
    started, losses, ratios = time.time(), [], []
    while step < args.steps:
        # Each clip `noise_draws` times, each time at its own noise level and noise.
        fresh = [stream.next() for _ in range(args.batch)]
        clips = fresh * args.noise_draws
        generator_seed += args.batch
        captions = [c[0] if torch.rand(()) > 0.1 else "" for c in clips]
        # Bytes travel to the device, the floats are made there.
        x0 = encode_video(torch.stack([c[1] for c in fresh]).to(device)).repeat(args.noise_draws, 1, 1, 1, 1)
        noise = torch.randn_like(x0)
        t = torch.sigmoid(torch.randn(len(clips), device=device))
        sigma = args.shift * t / (1 + (args.shift - 1) * t)
        s = sigma.view(-1, 1, 1, 1, 1)
        xt = (1 - s) * x0 + s * noise
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=args.bf16):
            predicted_x0 = forward(xt, sigma * 1000, text(captions).to(device)).sample.float()
        velocity = (xt - predicted_x0) / s.clamp(min=MIN_SIGMA)
        if args.object_weight > 0:
            w = object_weights(torch.stack([c[2] for c in fresh]).to(device), args.object_weight).repeat(args.noise_draws, 1, 1, 1, 1)
            loss = (w * (velocity - (noise - x0)) ** 2).sum() / w.sum()
        else:
            loss = F.mse_loss(velocity, noise - x0)
        if args.shape_contrast > 0:
            term, ratio = shape_contrast(forward, text, clips, x0, args, device)
            ratios.append(ratio)
            loss_total = loss + args.shape_contrast * term
        else:
            loss_total = loss
        # A cosine over the steps, or over this run's seconds when it is given a time limit.
        progress = (time.time() - started) / args.time_limit if args.time_limit else step / args.steps
        lr = args.lr * min(1, (step - warmup_start + 1) / args.warmup) * (0.5 * (1 + math.cos(math.pi * min(progress, 1))) * 0.9 + 0.1)
        for group in optimiser.param_groups:
            group["lr"] = lr
        optimiser.zero_grad(set_to_none=True)
        loss_total.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimiser.step()
        with torch.no_grad():
            decay = min(args.ema, (1 + step) / (10 + step))
            for e, p in zip(list(ema_model.parameters()) + list(ema_text.parameters()), params):
                e.mul_(decay).add_(p.detach(), alpha=1 - decay)
        step += 1
        losses.append(loss.item())
        if step % 20 == 0:
            contrast = f" swapped/right {sum(ratios[-20:]) / len(ratios[-20:]):.3f}" if ratios else ""
            print(f"step {step} loss {sum(losses[-20:]) / 20:.4f}{contrast} lr {lr:.2e} {(time.time() - started) / len(losses):.2f} s/step", flush=True)
        out_of_time = args.time_limit and time.time() - started >= args.time_limit
        if step % args.checkpoint_every == 0 or step == args.steps or out_of_time:
            ckpt.parent.mkdir(parents=True, exist_ok=True)
            torch.save(dict(model=model.state_dict(), text=text.state_dict(), ema_model=ema_model.state_dict(),
                            ema_text=ema_text.state_dict(), optimiser=optimiser.state_dict(), step=step,
                            next_seed=generator_seed, warmup_start=warmup_start, rng=torch.get_rng_state()), str(ckpt) + ".tmp")
            os.replace(str(ckpt) + ".tmp", ckpt)
        if out_of_time:
            print(f"time limit reached at step {step}", flush=True)
            break
    stream.kill()
    STATE["step"] = step
    export(ema_model.cpu(), ema_text.cpu(), words, pathlib.Path(args.out))


if __name__ == "__main__":
    main()
