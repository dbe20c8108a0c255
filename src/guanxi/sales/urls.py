"""Pages of the sales app under /sales/; each subject adds its block below."""

app_name = "sales"

urlpatterns: list = []
