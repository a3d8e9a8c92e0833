"""The quality gate: a run's metrics against the floors in ``evals/floors.json``.

A floors file maps metric names to a bound and the reason for it::

    {"floors": {"accuracy": {"min": 0.70, "why": "measured 0.730, minus ..."},
                "latency_p95_ms": {"max": 2000, "why": "..."}}}

``min`` is a floor (higher is better), ``max`` a ceiling (latency, tokens).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, ValidationError, model_validator

from rag.core.errors import ConfigError
from rag.evaluation.data import SHIPPED
from rag.evaluation.records import METRICS, EvalRun

DEFAULT_FLOORS = SHIPPED / "floors.json"


class Bound(BaseModel):
    min: float | None = None
    max: float | None = None
    why: str = Field(min_length=1)

    @model_validator(mode="after")
    def _one_bound(self) -> Bound:
        if (self.min is None) == (self.max is None):
            raise ValueError("give exactly one of min and max")
        return self


class Floors(BaseModel):
    floors: dict[str, Bound]


class GateFailure(BaseModel):
    metric: str
    value: float | None
    bound: str  # e.g. ">= 0.70"
    why: str


def load_floors(path: Path = DEFAULT_FLOORS) -> Floors:
    try:
        floors = Floors.model_validate_json(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"Cannot read floors file {path}: {exc.strerror or exc}.") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"Floors file {path} is not valid ({where}: {first['msg']}).") from None
    unknown = sorted(set(floors.floors) - set(METRICS))
    if unknown:
        raise ConfigError(f"Floors file {path} names unknown metrics: {', '.join(unknown)}.")
    return floors


def check_floors(run: EvalRun, floors: Floors) -> list[GateFailure]:
    """Every metric outside its bound. A metric the run lacks (None) fails: a gate must
    not pass because a figure went missing."""
    failures = []
    for name, bound in floors.floors.items():
        value = run.metrics.get(name)
        if bound.min is not None:
            ok, shown = value is not None and value >= bound.min, f">= {bound.min}"
        else:
            ok, shown = value is not None and value <= (bound.max or 0.0), f"<= {bound.max}"
        if not ok:
            failures.append(GateFailure(metric=name, value=value, bound=shown, why=bound.why))
    return failures
