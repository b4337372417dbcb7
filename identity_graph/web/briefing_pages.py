"""The lead's briefing page (`/briefing`): campaigns live or starting soon, volume sent, guidance, and each live
campaign's spike watch drawn as a small inline SVG bar chart (no script, no outside resource)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from identity_graph.campaigns.briefing import BRIEFING_HORIZON_DAYS, MAX_HORIZON_DAYS, build_briefing
from identity_graph.campaigns.clock import campaign_now
from identity_graph.campaigns.spikes import SpikeWatch
from identity_graph.service import audit
from identity_graph.service.auth import Caller, Permission
from identity_graph.service.deps import SettingsDep, StoreDep
from identity_graph.service.routes.briefing import as_utc
from identity_graph.web.deps import WebNeed
from identity_graph.web.render import render

router = APIRouter(include_in_schema=False)

CampaignsUser = Annotated[Caller, Depends(WebNeed(Permission.CAMPAIGNS))]

#: Chart size in SVG units (scaled to the column width by CSS), and the room left for the axis labels.
CHART_WIDTH, CHART_HEIGHT = 640, 120
AXIS_ROOM = 18
#: Colours of an ordinary hour, an hour of a wave, the bar line and the usual-rate line.
BAR_FILL, WAVE_FILL, BAR_LINE, USUAL_LINE = "#8aa4c0", "#b3261e", "#c77c00", "#5f6b76"
#: An hour label is drawn every this many hours.
LABEL_EVERY = 12


@dataclass(frozen=True)
class DrawnBar:
    """One hour's bar: position, size, whether it belongs to a wave, and its tooltip."""

    x: float
    y: float
    width: float
    height: float
    fill: str
    title: str


@dataclass(frozen=True)
class Chart:
    """Everything the template needs to draw one spike watch."""

    width: int
    height: int
    bars: list[DrawnBar]
    bar_y: float
    usual_y: float
    labels: list[tuple[float, str]]
    line_colours: tuple[str, str]


def chart(w: SpikeWatch) -> Chart:
    """Bars of the hourly counts, scaled so the bar an hour must reach is always in view."""
    plot = CHART_HEIGHT - AXIS_ROOM
    top = max([w.bar, *(h.count for h in w.hours)]) * 1.15
    step = CHART_WIDTH / max(1, len(w.hours))

    def y(value: float) -> float:
        return round(plot - plot * value / top, 1)

    bars = [
        DrawnBar(
            x=round(i * step + 1, 1), y=y(h.count), width=round(max(1.0, step - 2), 1),
            height=round(plot - y(h.count), 1), fill=WAVE_FILL if h.in_wave else BAR_FILL,
            title=f"{h.hour:%a %H:00} UTC: {h.count} related contact{'s' if h.count != 1 else ''}"
            + (" (wave)" if h.in_wave else ""),
        )
        for i, h in enumerate(w.hours)
    ]  # fmt: skip
    labels = [
        (round(i * step, 1), f"{h.hour:%a %H:00}") for i, h in enumerate(w.hours) if h.hour.hour % LABEL_EVERY == 0
    ]
    return Chart(CHART_WIDTH, CHART_HEIGHT, bars, y(w.bar), y(w.usual_rate), labels, (BAR_LINE, USUAL_LINE))


def _when_text(at: datetime) -> str:
    """A moment for the page's sentences."""
    return f"{at:%a %d %b %H:%M} UTC"


@router.get("/briefing", response_class=HTMLResponse)
def briefing_page(
    request: Request,
    caller: CampaignsUser,
    store: StoreDep,
    settings: SettingsDep,
    at: Annotated[datetime | None, Query()] = None,
    horizon_days: Annotated[int, Query(ge=0, le=MAX_HORIZON_DAYS)] = BRIEFING_HORIZON_DAYS,
) -> Response:
    """Campaigns live at `at` (default now) or starting within `horizon_days`, each with its guidance and watch."""
    moment = as_utc(at) if at is not None else campaign_now(settings)
    briefing = build_briefing(store, moment, settings.matching.default_region, horizon_days)
    audit.record(store, caller, "briefing.read", "", audit.ids_detail(campaigns=len(briefing.items)))
    charts = {i.campaign.campaign_id: chart(i.spikes) for i in briefing.items if i.spikes is not None}
    return render(
        request, "briefing.html", briefing=briefing, charts=charts, at_text=_when_text(moment),
        at_value=moment.strftime("%Y-%m-%dT%H:%M"), asked=at is not None, when_text=_when_text,
        region=settings.matching.default_region,
    )  # fmt: skip
