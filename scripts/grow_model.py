#!/usr/bin/env python3
"""Grows trained built-in weights into train_model.py's CONFIG without changing what they compute, so that a wider,
deeper model starts where the small one ended instead of from noise.

    python3 scripts/grow_model.py --from Sources/BuiltInModel/Resources --to .train/grown
    python3 scripts/train_model.py --init .train/grown --checkpoint .train/grown.pt --bf16 --compile --steps ...

Width: every model-width stream x becomes [x, x]. LayerNorm and RMSNorm statistics of [x, x] equal those of x; the
heads [h0, h1] become [h0, h1, h0, h1] at the same head_dim, so attention is unchanged per head. A linear map whose
output is a duplicated stream gets its rows repeated; one whose input is duplicated gets its columns halved and
repeated, so [W/2, W/2] @ [x; x] = W @ x. time_proj's output is six modulation chunks, each duplicated on its own.
The FFN's hidden width is grown the same way.
Depth: new blocks are copies of a neighbour with the output projections of attention and FFN zeroed; a Wan block adds
those outputs to the residual stream, so a new block starts as the identity. They are inserted so that the block the
motion guidance reads (round(14/30 * layers)) is still the same trained block.
Identical halves would get identical gradients forever, so small noise breaks the symmetry (--noise, relative to each
tensor's standard deviation); with --noise 0 the grown model's output equals the original's (checked on every run).
"""
import argparse
import json
import pathlib

import torch

import train_model as tm


def widen(name, old, new_shape):
    """Maps one tensor onto its grown shape by the duplication rules in the module docstring."""
    w = old
    if name.endswith("scale_shift_table"):                      # [1, k, D] added to duplicated streams
        factor = new_shape[2] // w.shape[2]
        return torch.cat([w] * factor, dim=2)
    if w.dim() >= 2 and new_shape[1] != w.shape[1]:               # duplicated input: halve and repeat columns
        factor = new_shape[1] // w.shape[1]
        w = torch.cat([w / factor] * factor, dim=1)
    if new_shape[0] != w.shape[0]:                                # duplicated output: repeat rows (per chunk)
        chunks = 6 if name.startswith("condition_embedder.time_proj") else 1
        factor = new_shape[0] // w.shape[0]
        per = w.reshape(chunks, w.shape[0] // chunks, *w.shape[1:])
        w = torch.cat([per] * factor, dim=1).reshape(new_shape)
    assert tuple(w.shape) == tuple(new_shape), (name, tuple(old.shape), tuple(new_shape))
    return w


def block_sources(old_layers, new_layers):
    """For each new block, the old block it comes from and whether it is new (an identity copy)."""
    motion_old = round(14 / 30 * old_layers)
    motion_new = round(14 / 30 * new_layers)
    extra = new_layers - old_layers
    before = motion_new - motion_old                              # identity blocks placed before the motion block
    assert 0 <= before <= extra, "cannot keep the motion block in place"
    after = extra - before
    sources = []
    for i in range(old_layers):
        sources.append((i, False))
        if i == motion_old - 1 and before:
            sources += [(i, True)] * before
        if i == old_layers - 1 and after:
            sources += [(i, True)] * after
    assert len(sources) == new_layers and sources[motion_new] == (motion_old, False), sources
    return sources


def grow(old_model, old_config, new_model):
    target = new_model.state_dict()
    sources = block_sources(old_config["num_layers"], new_model.config.num_layers)
    grown = {}
    for name, shape in ((k, v.shape) for k, v in target.items()):
        if name.startswith("blocks."):
            index, rest = name[len("blocks."):].split(".", 1)
            source, identity = sources[int(index)]
            w = widen(rest, old_model[f"blocks.{source}.{rest}"], shape)
            if identity and (rest.startswith("attn1.to_out.0") or rest.startswith("attn2.to_out.0")
                             or rest.startswith("ffn.net.2")):
                w = torch.zeros_like(w)
        else:
            w = widen(name, old_model[name], shape)
        grown[name] = w
    return grown, sources


def perturb(state, noise, seed):
    generator = torch.Generator().manual_seed(seed)
    for name, w in state.items():
        if noise and w.numel() > 1 and w.abs().max() > 0 and not name.endswith(("norm_q.weight", "norm_k.weight")):
            state[name] = w + torch.randn(w.shape, generator=generator) * (noise * w.std())
    return state


def probe(model, text):
    """The model's output on fixed random latents, two timesteps and two prompts (one empty)."""
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(2, 96, tm.FRAMES // 2, tm.SIZE // 4, tm.SIZE // 4, generator=generator)
    with torch.no_grad():
        return model(x, torch.tensor([200.0, 800.0]), text([" ".join(list(text.index)[:6]), ""])).sample


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--from", dest="source", default=str(tm.RESOURCE))
    parser.add_argument("--to", required=True)
    parser.add_argument("--noise", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    source = pathlib.Path(args.source)
    old_state, old_text, manifest = tm.load_exported(source)
    old_config = json.loads((source / "config.json").read_text())
    old = tm.WanTransformer3DModel.from_config(old_config)
    old.load_state_dict(old_state)
    words = manifest["words"]
    model, text = tm.build(words)
    text.load_state_dict(old_text)
    reference = probe(old, text)
    grown, sources = grow(old_state, old_config, model)
    model.load_state_dict(grown)
    error, scale = (probe(model, text) - reference).abs().max().item(), reference.abs().max().item()
    print(f"blocks from {sources}; exact growth: max |difference| {error:.2e} (output max {scale:.2f})", flush=True)
    assert error < 1e-3 * scale, "growth changed the function"
    model.load_state_dict(perturb(grown, args.noise, args.seed))
    error = (probe(model, text) - reference).abs().max().item()
    print(f"with noise {args.noise}: max |difference| {error:.2e}", flush=True)
    tm.STATE["step"] = manifest["trained_steps"]
    tm.export(model, text, words, pathlib.Path(args.to))


if __name__ == "__main__":
    main()
