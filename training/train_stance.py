"""Train the stance model: a MiniLM cross-encoder with three outputs (supports, refutes, neutral).

Reproducible (fixed seeds, deterministic data order) and resumable: a checkpoint is written every
--checkpoint-every steps and a rerun with the same --out picks up from the newest one.
Rows labelled `not_supports` (binary RTE sets) train P(supports) against the rest: loss -log(1 - p_supports).

Usage (CPU or GPU, torch + transformers needed, never at run time of veracity):
    python training/prepare_stance_data.py --data ../shared/data --out training/build
    python training/train_stance.py --base PATH_TO_MINILM --data training/build --out training/run
Then training/run/stance.onnx (fp32) and stance-int8.onnx are written, with metrics.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import time
from pathlib import Path

import numpy as np
import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer

LABELS = ("supports", "refutes", "neutral")
LABEL_INDEX = {name: i for i, name in enumerate(LABELS)}
NOT_SUPPORTS = -1


def read_rows(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def length_grouped_batches(lengths: list[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Shuffle, sort inside windows of 50 batches by length, then shuffle the batches."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    window = batch_size * 50
    batches = []
    for start in range(0, len(order), window):
        chunk = sorted(order[start:start + window], key=lambda i: lengths[i])
        batches += [chunk[i:i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def stance_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    log_probs = torch.log_softmax(logits, dim=-1)
    labelled = targets >= 0
    loss = torch.zeros((), device=logits.device)
    if labelled.any():
        loss = loss + torch.nn.functional.nll_loss(log_probs[labelled], targets[labelled], reduction="sum")
    binary = ~labelled
    if binary.any():
        p_support = log_probs[binary, LABEL_INDEX["supports"]].exp().clamp(max=1 - 1e-6)
        loss = loss - torch.log1p(-p_support).sum()
    return loss / len(targets)


def encode(tokenizer, rows: list[dict], max_length: int) -> dict:
    # Evidence first, claim second, as the run-time scorer does.
    return tokenizer([r["evidence"] for r in rows], [r["claim"] for r in rows], truncation="only_first",
                     max_length=max_length, padding=True, return_tensors="pt")


def evaluate(model, tokenizer, rows, device, max_length) -> dict:
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for start in range(0, len(rows), 128):
            part = rows[start:start + 128]
            batch = {k: v.to(device) for k, v in encode(tokenizer, part, max_length).items()}
            pred = model(**batch).logits.argmax(-1).cpu().tolist()
            for row, p in zip(part, pred):
                if row["label"] == "not_supports":
                    correct += int(p != LABEL_INDEX["supports"])
                else:
                    correct += int(p == LABEL_INDEX[row["label"]])
                total += 1
    model.train()
    return {"accuracy": correct / max(total, 1), "rows": total}


def evaluate_onnx(path: Path, tokenizer, rows: list[dict], max_length: int) -> dict:
    import onnxruntime as ort
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    correct = 0
    for start in range(0, len(rows), 64):
        part = rows[start:start + 64]
        enc = encode(tokenizer, part, max_length)
        logits = session.run(None, {k: v.numpy() for k, v in enc.items()})[0]
        for row, p in zip(part, logits.argmax(-1).tolist()):
            gold = row["label"]
            correct += int(p != LABEL_INDEX["supports"]) if gold == "not_supports" else int(p == LABEL_INDEX[gold])
    return {"accuracy": correct / max(len(rows), 1), "rows": len(rows)}


def export_onnx(model, tokenizer, out: Path, max_length: int) -> None:
    model.eval().to("cpu")
    sample = tokenizer(["an evidence sentence"], ["a claim"], return_tensors="pt")
    torch.onnx.export(
        model, (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
        str(out / "stance.onnx"), input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["logits"], opset_version=17, dynamo=False,
        dynamic_axes={n: {0: "batch", 1: "sequence"} for n in ("input_ids", "attention_mask", "token_type_ids")}
        | {"logits": {0: "batch"}})
    from onnxruntime.quantization import QuantType, quantize_dynamic
    quantize_dynamic(str(out / "stance.onnx"), str(out / "stance-int8.onnx"), weight_type=QuantType.QInt8)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="folder with the MiniLM config, tokenizer, weights")
    parser.add_argument("--data", type=Path, default=Path("training/build"))
    parser.add_argument("--out", type=Path, default=Path("training/run"))
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=4e-5)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--checkpoint-every", type=int, default=200)
    parser.add_argument("--max-steps", type=int, default=0, help="stop after this many steps (timing runs)")
    args = parser.parse_args()

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    args.out.mkdir(parents=True, exist_ok=True)
    tokenizer = AutoTokenizer.from_pretrained(args.base)
    model = AutoModelForSequenceClassification.from_pretrained(
        args.base, num_labels=3, id2label=dict(enumerate(LABELS)), label2id=LABEL_INDEX,
        dtype=torch.float32).to(device)
    train = read_rows(args.data / "stance_train.jsonl.gz")
    dev = read_rows(args.data / "stance_dev.jsonl.gz")
    lengths = [len(r["claim"]) + len(r["evidence"]) for r in train]
    plans = [length_grouped_batches(lengths, args.batch_size, random.Random(args.seed + e))
             for e in range(args.epochs)]
    total_steps = sum(len(p) for p in plans)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    warmup = int(0.06 * total_steps)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / max(warmup, 1), max(0.0, (total_steps - s) / max(total_steps - warmup, 1))))
    step = 0
    checkpoint = args.out / "checkpoint.pt"
    if checkpoint.exists():
        state = torch.load(checkpoint, map_location=device, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        step = state["step"]
        torch.set_rng_state(state["torch_rng"])
        print(f"resumed at step {step} of {total_steps}", flush=True)
    model.train()
    started = time.time()
    first_step = step
    flat = [(e, b) for e, plan in enumerate(plans) for b in plan]
    for position in range(step, total_steps):
        _, batch_ids = flat[position]
        rows = [train[i] for i in batch_ids]
        batch = {k: v.to(device) for k, v in encode(tokenizer, rows, args.max_length).items()}
        targets = torch.tensor([LABEL_INDEX.get(r["label"], NOT_SUPPORTS) for r in rows], device=device)
        loss = stance_loss(model(**batch).logits, targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
        step = position + 1
        if step % 50 == 0:
            rate = (step - first_step) / max(time.time() - started, 1e-9)
            print(f"step {step}/{total_steps} loss {loss.item():.4f} {rate:.2f} steps/s", flush=True)
        if step % args.checkpoint_every == 0 or step == total_steps:
            torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                        "scheduler": scheduler.state_dict(), "step": step,
                        "torch_rng": torch.get_rng_state()}, checkpoint)
        if args.max_steps and step >= args.max_steps:
            elapsed = time.time() - started
            print(json.dumps({"timing_steps": args.max_steps, "seconds": elapsed,
                              "projected_hours_full_run": elapsed / max(step - first_step, 1) * total_steps / 3600}))
            return
    metrics = {"device": device, "train_rows": len(train), "steps": total_steps, "epochs": args.epochs,
               "max_length": args.max_length, "seconds": time.time() - started,
               "dev_torch": evaluate(model, tokenizer, dev, device, args.max_length)}
    model.save_pretrained(args.out / "hf")
    tokenizer.save_pretrained(args.out / "hf")
    export_onnx(model, tokenizer, args.out, args.max_length)
    for name in ("stance.onnx", "stance-int8.onnx"):
        metrics[f"dev_{name}"] = evaluate_onnx(args.out / name, tokenizer, dev, args.max_length)
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    print(json.dumps(metrics, indent=2))


if __name__ == "__main__":
    main()
