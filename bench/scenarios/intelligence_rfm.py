"""RFM and purchase cycle scenarios: the nightly runner (RFM + cycle of every customer, the
company's scores written), the re-order reminders job, and the pages and APIs that read the
stored scores (as the executive and as a manager).

The nightly run is in-process (``intelligence.rfm.nightly``): one read of every customer's
order days, the models in pandas, the scores upserted in batches and the stale ones reset.
Goal at 1,000,000 customers / 5,000,000 order lines on PostgreSQL: ≤ 5 min; the pages p95 ≤
300 ms.
"""

from bench.scenarios import http, python


@python("intelligence.rfm.nightly", user="exec", about="nightly RFM + purchase cycle runner")
def _nightly(ctx, user) -> None:
    from guanxi.analytics.services.rfm import rfm_compute

    run = rfm_compute(actor=None, background=False)
    assert run.status == "done", run.error


@python("intelligence.rfm.reminders", user="exec", about="the daily re-order reminders job")
def _reminders(ctx, user) -> None:
    from guanxi.analytics.services.reorder import reorder_reminders_send

    reorder_reminders_send()


for _slug in ("rfm", "purchase-cycle"):
    http(f"reports.{_slug}.exec", user="exec", about=f"GET /reports/{_slug}/ (stored scores)")(
        lambda ctx, slug=_slug: f"/reports/{slug}/"
    )
    for _user in ("exec", "manager1"):
        http(f"api.reports.{_slug}.{_user}", user=_user, about=f"GET /api/reports/{_slug}/")(
            lambda ctx, slug=_slug: f"/api/reports/{slug}/"
        )
