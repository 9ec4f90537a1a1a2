"""The card as Markdown, for people: the same content as the JSON, section by section."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

METRIC_COLUMNS = ("n", "defaults", "auc", "ks", "gini", "mean_predicted_pd", "observed_default_rate",
                  "calibration_error")


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(columns: list[str] | tuple[str, ...], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    return lines + ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows] + [""]


def frame_table(frame: pd.DataFrame) -> str:
    """A table (e.g. a scorecard's points) as a Markdown table, cells as the card writes them."""
    return "\n".join(_table([str(c) for c in frame.columns], frame.astype(object).values.tolist()))


def _bullets(items: list[str]) -> list[str]:
    return [f"- {item}" for item in items] + [""]


def _section(section: dict[str, Any], level: str = "###") -> list[str]:
    lines = [f"{level} {section['title']}", ""]
    if section["text"]:
        lines += [section["text"], ""]
    if "table" in section:
        lines += _table(section["table"]["columns"], section["table"]["rows"])
    return lines


def to_markdown(card: dict[str, Any]) -> str:
    details, use, data = card["model_details"], card["intended_use"], card["training_data"]
    metrics, privacy = card["metrics"], card["privacy"]
    lines = [f"# Model card: {details['kind']} v{details['version']} of {details['owner']}", "",
             "## Model details", "",
             *_table(["field", "value"], [["model id", details["model_id"]], ["kind", details["kind"]],
                                          ["owner", details["owner"]], ["version", details["version"]],
                                          ["trained", details["created_at"]]]),
             "Parameters: `" + json.dumps(details["params"], sort_keys=True) + "`", "",
             *_table(["part holder", "SHA-256"], [[p["party"], p["sha256"]] for p in details["parts"]]),
             "## Intended use", "", f"Purpose: **{use['purpose']}** only.", "", "Uses:", "", *_bullets(use["uses"]),
             "Users:", "", *_bullets(use["users"]), "Out of scope:", "", *_bullets(use["out_of_scope"]),
             "## Training data", "",
             *_table(["party", "role", "data categories", "features", "basis"],
                     [[p["party"], p["role"], ", ".join(p["categories"]) or "not reported", p.get("features"),
                       p["basis"]] for p in data["parties"]]),
             f"Legal basis recorded on the job: {data['legal_basis'] or 'none (consent)'}. Intersection: "
             f"{_cell(data['intersection_size'])} enterprises (train {_cell(data['n_train'])}, holdout "
             f"{_cell(data['n_test'])}). No enterprise id appears in this card.", "",
             "## Metrics", "", f"Source: {metrics['source']}.", "",
             *_table(["segment", *METRIC_COLUMNS], [["overall", *[metrics["overall"][c] for c in METRIC_COLUMNS]]])]
    for name, rows in metrics["by_segment"].items():
        lines += [f"### By {name}", "", *_table([name, *METRIC_COLUMNS],
                                                 [[r["segment"], *[r[c] for c in METRIC_COLUMNS]] for r in rows])]
    lines += ["## Privacy", "", privacy["protocol"] + ".", "",
              "Parameters: `" + json.dumps(privacy["parameters"], sort_keys=True) + "`", "",
              "What each party learns (quoted from docs/leakage.md):", ""]
    for section in privacy["leakage"]:
        lines += _section(section)
    lines += ["## Monitoring", ""]
    lines += (["```json", json.dumps(card["monitoring"], indent=2, sort_keys=True), "```", ""] if card["monitoring"]
              else ["No monitoring report attached yet.", ""])
    lines += ["## Limitations and caveats", "", *_bullets(card["limitations"]), "## Approvals", ""]
    lines += (_table(["reviewer", "decision", "note", "at"],
                     [[a["reviewer"], a["decision"], a.get("note", ""), a["at"]] for a in card["approvals"]])
              if card["approvals"] else ["Not reviewed yet.", ""])
    for section in card["model_sections"]:
        lines += _section(section, "##")
    return "\n".join(lines).rstrip() + "\n"
