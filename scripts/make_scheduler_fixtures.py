#!/usr/bin/env python3
# Golden values for the flow-matching samplers (Sources/DiT/FlowMatchEulerScheduler.swift, UniPCScheduler.swift),
# taken from diffusers' FlowMatchEulerDiscreteScheduler and UniPCMultistepScheduler in the configuration Wan2.1 uses.
#
# Run once from the repository root, on a machine with the pinned packages (CI never runs it):
#     pip install -r scripts/requirements.txt
#     python3 scripts/make_scheduler_fixtures.py
# It writes Tests/DiTTests/Fixtures/schedulers.json.
#
# The "model" is a fixed function of the sample and timestep, so the Swift test can recompute it from the JSON:
#     velocity = 0.5 * sample - 0.3 * reference + 0.2 * timestep / 1000
import json
import pathlib
from types import SimpleNamespace

import numpy as np
import torch
from diffusers import FlowMatchEulerDiscreteScheduler, UniPCMultistepScheduler, WanVideoToVideoPipeline

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests/DiTTests/Fixtures/schedulers.json"
SHAPE = [2, 3, 4, 4]


def floats(t):
    # float32 values written with the shortest repr that reads back to the same float32: exact and compact.
    return [float(str(np.float32(v))) for v in t.detach().to(torch.float32).flatten().tolist()]


def doubles(t):
    return [float(v) for v in np.asarray(t, dtype=np.float64).flatten()]


def velocity(sample, reference, timestep):
    return 0.5 * sample - 0.3 * reference + 0.2 * float(timestep) / 1000


def euler(shift):
    return FlowMatchEulerDiscreteScheduler(num_train_timesteps=1000, shift=shift)


def unipc(shift):
    # Wan2.1's scheduler_config.json, with flow_shift as the variable.
    return UniPCMultistepScheduler(
        num_train_timesteps=1000,
        prediction_type="flow_prediction",
        use_flow_sigmas=True,
        flow_shift=shift,
        solver_order=2,
        solver_type="bh2",
        predict_x0=True,
        lower_order_final=True,
        disable_corrector=[],
        final_sigmas_type="zero",
    )


def start_index(scheduler, strength):
    # The Wan video2video pipeline's own rounding of strength to a first step (it reads only scheduler.order).
    steps = len(scheduler.timesteps)
    _, remaining = WanVideoToVideoPipeline.get_timesteps(
        SimpleNamespace(scheduler=scheduler), steps, scheduler.timesteps, strength, "cpu"
    )
    return steps - remaining


def case(make, shift, steps, noise, reference, clean=None, strength=None):
    scheduler = make(shift)
    scheduler.set_timesteps(steps)
    entry = {
        "shift": shift,
        "steps": steps,
        "sigmas": doubles(scheduler.sigmas.numpy()),
        "timesteps": doubles(scheduler.timesteps.numpy()),
    }
    first = 0
    sample = noise.clone()
    if strength is not None:
        first = start_index(scheduler, strength)
        timestep = scheduler.timesteps[first : first + 1]
        # The video2video pipeline noises with add_noise where the scheduler has it (UniPC), else scale_noise (Euler).
        if hasattr(scheduler, "add_noise"):
            sample = scheduler.add_noise(clean, noise, timestep)
        else:
            sample = scheduler.scale_noise(clean, timestep, noise)
        entry |= {"strength": strength, "startIndex": first, "noised": floats(sample)}
        # A fresh scheduler, as in the pipeline: its first step finds its index from the timestep.
        scheduler = make(shift)
        scheduler.set_timesteps(steps)
    samples = []
    for t in scheduler.timesteps[first:]:
        sample = scheduler.step(velocity(sample, reference, t), t, sample).prev_sample
        samples.append(floats(sample))
    entry["samples"] = samples
    return entry


def main():
    generator = torch.Generator().manual_seed(0)
    noise = torch.randn(SHAPE, generator=generator, dtype=torch.float32)
    reference = torch.randn(SHAPE, generator=generator, dtype=torch.float32)
    clean = torch.randn(SHAPE, generator=generator, dtype=torch.float32)
    fixture = {
        "shape": SHAPE,
        "noise": floats(noise),
        "reference": floats(reference),
        "clean": floats(clean),
        "euler": [
            case(euler, 5.0, 10, noise, reference),
            case(euler, 3.0, 50, noise, reference),
            # Non-integer shifts (the presets' 6.8, 5.3) round differently in float32 than integer ones.
            case(euler, 6.8, 12, noise, reference),
            case(euler, 5.0, 10, noise, reference, clean=clean, strength=0.75),
        ],
        "unipc": [
            case(unipc, 3.0, 10, noise, reference),
            case(unipc, 5.0, 50, noise, reference),
            case(unipc, 6.8, 12, noise, reference),
            case(unipc, 3.0, 10, noise, reference, clean=clean, strength=0.75),
        ],
    }
    strengths = []
    for steps in (10, 50):
        scheduler = euler(5.0)
        scheduler.set_timesteps(steps)
        for strength in (0.05, 0.3, 0.35, 0.7, 0.75, 0.99, 1.0):
            strengths.append({"steps": steps, "strength": strength, "startIndex": start_index(scheduler, strength)})
    fixture["startIndices"] = strengths
    OUT.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
