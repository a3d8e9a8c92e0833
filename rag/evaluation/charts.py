"""An evaluation run's PNG charts: shares per metric (against a baseline), per kind and
theme tag, and the latency of each case. matplotlib loads only when a chart is drawn."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rag.evaluation.records import METRICS, EvalRun

if TYPE_CHECKING:
    from matplotlib.figure import Figure


CHART_FILES = ("metrics.png", "by_kind.png", "by_theme.png", "latency.png")


_SHARE_METRICS = [name for name, info in METRICS.items() if not info.unit]


_TAG_CHART_METRICS = ("accuracy", "key_fact_recall", "citation_precision", "recall_at_5")


def write_charts(run: EvalRun, out_dir: Path, baseline: EvalRun | None = None) -> list[Path]:
    """PNG charts (matplotlib, Agg backend): shares per metric, per kind and theme tag,
    and the latency of each case."""
    import matplotlib

    matplotlib.use("Agg")  # files only: no display, no GUI toolkit
    import matplotlib.pyplot as plt

    paths = []
    names = [n for n in _SHARE_METRICS if run.metrics.get(n) is not None]
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(names) + 1.2))
    ys = list(range(len(names)))
    values = [run.metrics[n] or 0.0 for n in names]
    if baseline:
        base = [baseline.metrics.get(n) or 0.0 for n in names]
        ax.barh([y + 0.2 for y in ys], base, height=0.4, color="#bbbbbb", label="baseline")
        ax.barh([y - 0.2 for y in ys], values, height=0.4, color="#1f77b4", label="this run")
        ax.legend(loc="lower right")
    else:
        ax.barh(ys, values, color="#1f77b4")
    for y, v in zip(ys, values, strict=True):
        ax.text(min(v, 0.93) + 0.01, y, f"{v:.2f}", va="center", fontsize=8)
    ax.set_yticks(ys, names)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_title(f"Metrics ({run.meta.mode} mode, {run.meta.cases} cases)")
    paths.append(_save(fig, out_dir / "metrics.png"))

    for prefix, file in (("kind:", "by_kind.png"), ("theme:", "by_theme.png")):
        tags = [t for t in run.by_tag if t.startswith(prefix)]
        if not tags:
            continue
        fig, ax = plt.subplots(figsize=(max(6, 0.9 * len(tags) + 2), 4))
        width = 0.8 / len(_TAG_CHART_METRICS)
        for i, metric in enumerate(_TAG_CHART_METRICS):
            xs = [x + (i - (len(_TAG_CHART_METRICS) - 1) / 2) * width for x in range(len(tags))]
            ax.bar(xs, [run.by_tag[t].get(metric) or 0.0 for t in tags], width, label=metric)
        labels = [f"{t[len(prefix) :]}\n({int(run.by_tag[t].get('cases') or 0)})" for t in tags]
        ax.set_xticks(range(len(tags)), labels, fontsize=8)
        ax.set_ylim(0, 1.05)
        ax.legend(
            fontsize=7,
            ncols=len(_TAG_CHART_METRICS),
            loc="upper center",
            bbox_to_anchor=(0.5, -0.18),
        )
        ax.set_title(f"By {prefix[:-1]} (cases in brackets)")
        paths.append(_save(fig, out_dir / file))

    latencies = sorted(c.latency_ms for c in run.cases)
    if latencies:
        fig, ax = plt.subplots(figsize=(6, 3))
        ax.hist(latencies, bins=30, color="#1f77b4")
        for name, style in (("latency_p50_ms", "--"), ("latency_p95_ms", ":")):
            value = run.metrics.get(name)
            if value is not None:
                ax.axvline(value, color="black", linestyle=style, label=f"{name} {value:.0f} ms")
        ax.set_xlabel("ms per answer")
        ax.set_ylabel("cases")
        ax.legend(fontsize=8)
        ax.set_title("Latency")
        paths.append(_save(fig, out_dir / "latency.png"))
    return paths


def _save(fig: Figure, path: Path) -> Path:
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fig.savefig(path, dpi=80, metadata={"Software": None})
    plt.close(fig)
    return path
