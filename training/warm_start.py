"""Rebuild trainable weights from the shipped int8 stance model, so that it can be fine-tuned further on CPU.

Only the int8 export of the shipped model is kept (veracity/models/stance-int8.onnx). Its weights are int8 with
one scale and zero point per tensor; dequantized, they are the trained fp32 weights up to rounding. This script
reads them back into a MiniLM (BERT) sequence classifier with the base model's config and tokenizer, checks
that the rebuilt model gives the shipped model's probabilities on sample pairs, and saves it as a folder that
training/train_stance.py takes as --base.

The names of the matrix multiplications are not kept by the export ("onnx::MatMul_892"): they are matched to
the layers by the order in which the export wrote them (per layer: query, key, value, attention output,
intermediate, output; the pooler and the classifier keep their names), and the check above fails if that order is
wrong.

Usage: python training/warm_start.py --base PATH_TO_MINILM --out training/warm [--onnx veracity/models/stance-int8.onnx]
"""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from transformers import AutoConfig, AutoModelForSequenceClassification, AutoTokenizer

LABELS = ("supports", "refutes", "neutral")
PER_LAYER = ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
             "intermediate.dense", "output.dense")
SAMPLES = [("The city spent $574.5 million on shelters since August 2022.", "Chicago has spent $574.5 million."),
           ("Police said they will not assist with deportations.", "Police will assist with deportations."),
           ("The dam is 85 metres tall.", "A cat sat on the mat in the sun."),
           ("Arnold is the publisher of Media Play News.", "Arnold publishes Media Play News.")]


def dequantized(inits: dict[str, np.ndarray], stem: str) -> np.ndarray:
    q = inits[f"{stem}_quantized"].astype(np.float32)
    return (q - inits[f"{stem}_zero_point"].astype(np.float32)) * inits[f"{stem}_scale"].astype(np.float32)


def state_dict(path: Path, layers: int) -> dict[str, torch.Tensor]:
    graph = onnx.load(str(path)).graph
    inits = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    out = {name: torch.from_numpy(v.copy()) for name, v in inits.items()
           if not re.search(r"_(quantized|scale|zero_point)$", name) and not name.startswith("onnx::")}
    for name in ("word_embeddings", "token_type_embeddings", "position_embeddings"):
        out[f"bert.embeddings.{name}.weight"] = torch.from_numpy(dequantized(inits, f"bert.embeddings.{name}.weight"))
    stems = sorted({n[:-len("_quantized")] for n in inits if n.startswith("onnx::MatMul_") and n.endswith("_quantized")},
                   key=lambda n: int(n.rsplit("_", 1)[1]))
    targets = [f"bert.encoder.layer.{i}.{part}.weight" for i in range(layers) for part in PER_LAYER]
    for name in ("bert.pooler.dense.weight", "classifier.weight"):  # kept by name, as transposed Gemm weights
        out[name] = torch.from_numpy(dequantized(inits, f"{name}_Transposed").T.copy())
    if len(stems) != len(targets):
        raise SystemExit(f"{len(stems)} quantized matrices in {path}, {len(targets)} expected: not the model this reads")
    for stem, target in zip(stems, targets):
        out[target] = torch.from_numpy(dequantized(inits, stem).T.copy())  # ONNX MatMul: [in, out]; Linear: [out, in]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="the MiniLM folder the model was trained from")
    parser.add_argument("--onnx", type=Path, default=Path("veracity/models/stance-int8.onnx"))
    parser.add_argument("--out", type=Path, default=Path("training/warm"))
    args = parser.parse_args()
    config = AutoConfig.from_pretrained(args.base, num_labels=3, id2label=dict(enumerate(LABELS)),
                                        label2id={n: i for i, n in enumerate(LABELS)})
    model = AutoModelForSequenceClassification.from_config(config)
    weights = state_dict(args.onnx, config.num_hidden_layers)
    missing, unexpected = model.load_state_dict(weights, strict=False)
    missing = [m for m in missing if not m.endswith("position_ids")]
    if missing or unexpected:
        raise SystemExit(f"weights do not fit the model: missing {missing}, unexpected {unexpected}")
    model.eval()
    tokenizer = AutoTokenizer.from_pretrained(args.base)
    import onnxruntime as ort

    session = ort.InferenceSession(str(args.onnx), providers=["CPUExecutionProvider"])
    enc = tokenizer([e for e, _ in SAMPLES], [c for _, c in SAMPLES], padding=True, return_tensors="pt")
    with torch.no_grad():
        rebuilt = torch.softmax(model(**enc).logits, -1).numpy()
    shipped = [session.run(None, {k: v[i:i + 1].numpy() for k, v in enc.items()
                                  if k in {x.name for x in session.get_inputs()}})[0][0] for i in range(len(SAMPLES))]
    shipped_p = np.exp(shipped) / np.exp(shipped).sum(axis=1, keepdims=True)
    gap = float(np.abs(rebuilt - shipped_p).max())
    print(f"largest probability gap, rebuilt fp32 against the shipped int8 model, {len(SAMPLES)} pairs: {gap:.4f}")
    if gap > 0.1:
        raise SystemExit("the rebuilt model does not give the shipped model's scores: the layer order is wrong")
    args.out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(args.out)
    tokenizer.save_pretrained(args.out)
    for extra in ("vocab.txt",):
        if (args.base / extra).exists():
            shutil.copy(args.base / extra, args.out / extra)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
