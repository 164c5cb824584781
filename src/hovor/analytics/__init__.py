"""Analytics: hourly rollups kept up to date from domain events, engagement uplift against
the control group, service metrics, and the supervisors' weekly report (docs/analytics.md)."""
