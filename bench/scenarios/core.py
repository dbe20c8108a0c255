"""Platform scenarios: the home page."""

from bench.scenarios import http


@http("home.manager1", user="manager1", about="GET / (home page)")
def home(ctx) -> str:
    return "/"
