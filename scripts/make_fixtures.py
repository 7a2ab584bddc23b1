#!/usr/bin/env python3
"""Golden fixtures for the Swift DiT: diffusers' WanTransformer3DModel with small random weights.

Run once on a developer machine (never in CI), from the repository root:

    pip install -r scripts/requirements.txt
    python3 scripts/make_fixtures.py

Writes Tests/DiTTests/Fixtures/:
  wan_tiny_config.json                 the model's diffusers config
  wan_tiny.safetensors                 its weights under diffusers' names
  wan_tiny_original_names.safetensors  the same weights under the original Wan2.1 release's names
  wan_tiny_io.safetensors              inputs, the output, block-0 self-attention Q/K (before and after RoPE),
                                       and gradients w.r.t. the input latents of two scalar functions
"""
import json
import pathlib

import torch
from diffusers import WanTransformer3DModel
from diffusers.models.transformers import transformer_wan
from safetensors.torch import save_file

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "DiTTests" / "Fixtures"

CONFIG = dict(
    patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12, in_channels=4, out_channels=4,
    text_dim=16, freq_dim=32, ffn_dim=48, num_layers=2, cross_attn_norm=True, qk_norm="rms_norm_across_heads",
    eps=1e-6, rope_max_seq_len=1024,
)

# diffusers name fragment -> original Wan2.1 fragment (the inverse of diffusers' conversion script's table).
TO_ORIGINAL = [
    ("condition_embedder.time_embedder.linear_1.", "time_embedding.0."),
    ("condition_embedder.time_embedder.linear_2.", "time_embedding.2."),
    ("condition_embedder.text_embedder.linear_1.", "text_embedding.0."),
    ("condition_embedder.text_embedder.linear_2.", "text_embedding.2."),
    ("condition_embedder.time_proj.", "time_projection.1."),
    ("proj_out.", "head.head."),
    (".attn1.to_out.0.", ".self_attn.o."),
    (".attn1.to_q.", ".self_attn.q."),
    (".attn1.to_k.", ".self_attn.k."),
    (".attn1.to_v.", ".self_attn.v."),
    (".attn1.norm_q.", ".self_attn.norm_q."),
    (".attn1.norm_k.", ".self_attn.norm_k."),
    (".attn2.to_out.0.", ".cross_attn.o."),
    (".attn2.to_q.", ".cross_attn.q."),
    (".attn2.to_k.", ".cross_attn.k."),
    (".attn2.to_v.", ".cross_attn.v."),
    (".attn2.norm_q.", ".cross_attn.norm_q."),
    (".attn2.norm_k.", ".cross_attn.norm_k."),
    (".ffn.net.0.proj.", ".ffn.0."),
    (".ffn.net.2.", ".ffn.2."),
    (".norm2.", ".norm3."),
    (".scale_shift_table", ".modulation"),
]


def original_name(key: str) -> str:
    if key == "scale_shift_table":
        return "head.modulation"
    for new, old in TO_ORIGINAL:
        if key.startswith(new):
            return old + key[len(new):]
        if new in key:
            return key.replace(new, old, 1)
    return key


def main() -> None:
    torch.manual_seed(20261125)
    model = WanTransformer3DModel(**CONFIG).eval()
    with torch.no_grad():
        # Default init leaves norms at 1 and biases small; move every parameter so a wrong pairing shows.
        for name, p in model.named_parameters():
            if "norm" in name and name.endswith("weight"):
                p.copy_(1 + 0.3 * torch.randn_like(p))
            else:
                p.add_(0.1 * torch.randn_like(p))

    latents = torch.randn(1, 4, 3, 8, 8)
    timestep = torch.tensor([637.0])
    text = torch.randn(1, 5, CONFIG["text_dim"])
    probe_weights = torch.randn(CONFIG["num_attention_heads"], 3 * 4 * 4, 3 * 4 * 4)
    output_weights = torch.randn(1, 4, 3, 8, 8)

    captured = {}
    original_dispatch = transformer_wan.dispatch_attention_fn

    def capturing_dispatch(query, key, value, **kwargs):
        # The first call of a forward is block 0's self-attention; query/key are [1, N, H, d] after RoPE.
        if "q_rot" not in captured:
            captured["q_rot"], captured["k_rot"] = query, key
        return original_dispatch(query, key, value, **kwargs)

    transformer_wan.dispatch_attention_fn = capturing_dispatch
    hooks = [
        model.blocks[0].attn1.norm_q.register_forward_hook(lambda m, i, o: captured.__setitem__("q", o)),
        model.blocks[0].attn1.norm_k.register_forward_hook(lambda m, i, o: captured.__setitem__("k", o)),
    ]

    x = latents.clone().requires_grad_(True)
    out = model(x, timestep, text).sample
    heads, d = CONFIG["num_attention_heads"], CONFIG["attention_head_dim"]
    q_rot = captured["q_rot"][0].transpose(0, 1)  # [H, N, d]
    k_rot = captured["k_rot"][0].transpose(0, 1)
    attention = torch.softmax(q_rot @ k_rot.transpose(1, 2) / d**0.5, dim=-1)  # [H, N, N]
    probe = (attention * probe_weights).sum()
    (grad_probe,) = torch.autograd.grad(probe, x, retain_graph=True)
    (grad_output,) = torch.autograd.grad((out * output_weights).sum(), x)
    for h in hooks:
        h.remove()
    transformer_wan.dispatch_attention_fn = original_dispatch

    def per_head(t):  # [1, N, H*d] -> [H, N, d]
        return t[0].unflatten(-1, (heads, d)).transpose(0, 1)

    OUT.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().contiguous() for k, v in model.state_dict().items()}
    save_file(state, OUT / "wan_tiny.safetensors")
    save_file({original_name(k): v for k, v in state.items()}, OUT / "wan_tiny_original_names.safetensors")
    io = {
        "latents": latents[0],
        "timestep": timestep,
        "text": text[0],
        "output": out[0],
        "block0_q": per_head(captured["q"]),
        "block0_k": per_head(captured["k"]),
        "block0_q_rope": q_rot,
        "block0_k_rope": k_rot,
        "probe_weights": probe_weights,
        "probe_value": probe.reshape(1),
        "probe_grad": grad_probe[0],
        "output_weights": output_weights[0],
        "output_grad": grad_output[0],
    }
    save_file({k: v.detach().contiguous().float() for k, v in io.items()}, OUT / "wan_tiny_io.safetensors")
    config = {k: (list(v) if isinstance(v, tuple) else v) for k, v in dict(model.config).items() if not k.startswith("_")}
    (OUT / "wan_tiny_config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    print("wrote", sorted(p.name for p in OUT.iterdir()))


if __name__ == "__main__":
    main()
