"""API shapes of analytics (``/v1/analytics/...``)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

EngagementDim = Literal["all", "rule", "kind", "page"]
ServiceDim = Literal["all", "channel", "queue", "team", "agent"]


class PeriodOut(BaseModel):
    start: date
    end: date
    tz: str


class UpliftOut(BaseModel):
    uplift: float | None = Field(description="relative: 0.18 is +18 % against the control group")
    ci_low: float | None = Field(description="lower bound of the 95 % confidence interval")
    ci_high: float | None
    p_value: float | None
    significant: bool = Field(
        description="the interval excludes no change and the sample is big enough"
    )
    too_small: bool = Field(description="sample too small to tell (docs/analytics.md)")


class FunnelOut(BaseModel):
    matched: int = Field(description="a rule matched: guarded + eligible")
    guarded: int = Field(
        description="matches a guard (an offer open, caps, quiet period, business hours) "
        "or pacing stopped"
    )
    guarded_by_reason: dict[str, int] = Field(
        description="guarded per reason: offer_open, visitor_left, business_hours, "
        "quiet_period, min_interval, per_session_cap, per_day_cap, pacing, other"
    )
    eligible: int = Field(
        description="the rule matched and its guards allowed it (offered + held out)"
    )
    held_out: int
    offered: int
    shown: int
    accepted: int
    conversation: int
    order: int


class ArmOut(BaseModel):
    n: int
    conversions: int
    rate: float | None
    order_value: float | None = Field(description="mean attributed order value of converted units")


class EngagementRowOut(BaseModel):
    key: str
    funnel: FunnelOut
    treated: ArmOut
    control: ArmOut
    conversion_uplift: UpliftOut
    order_value_uplift: UpliftOut
    revenue_attributed: float
    agent_minutes: float
    agent_minutes_per_order: float | None


class EngagementReportOut(BaseModel):
    period: PeriodOut
    dim: EngagementDim
    attribution_hours: int
    rows: list[EngagementRowOut]


class ServiceRowOut(BaseModel):
    key: str
    label: str = Field(description="the agent's name for dim=agent, else the key")
    conversations: int
    first_response_seconds: float | None
    resolution_seconds: float | None
    fcr_rate: float | None
    repeat_rate: float | None
    csat_average: float | None
    csat_rate: float | None
    ratings: int
    tasks: int
    asa_seconds: float | None
    abandonment_rate: float | None
    service_level: float | None
    callbacks: int
    callbacks_reached_rate: float | None
    handle_minutes: float
    staffed_minutes: float = Field(
        description="time agents were online or busy (agent, team and all; 0 for channel and queue)"
    )
    occupancy: float | None = Field(
        description="handle time / staffed time (docs/analytics.md); null without staffed time"
    )


class ServiceReportOut(BaseModel):
    period: PeriodOut
    dim: ServiceDim
    rows: list[ServiceRowOut]


class BucketOut(BaseModel):
    bucket: str
    count: int


class OverviewOut(BaseModel):
    """Everything the dashboard's charts draw, for one period."""

    period: PeriodOut
    engagement: EngagementRowOut | None
    service: ServiceRowOut | None
    trend: list[dict[str, float | str]] = Field(
        description="per local day: offers, accepted, orders won, conversations, FCR count, mean first response"
    )
    heat_map: list[list[float]] = Field(
        description="7 x 24 conversations opened, Monday first, local hours"
    )
    first_response: list[BucketOut]
    resolution: list[BucketOut]


class WeeklyReportOut(BaseModel):
    week: date = Field(description="the Monday of the week reported")
    recipients: list[str] = Field(description="the workspace's active admins and supervisors")
    subject: str
    text: str = Field(description="the plain-text part")
    html: str = Field(description="the HTML part")
    sent: bool = Field(description="false for a preview")
