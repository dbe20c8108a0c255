"""Platform scenarios: the home page, as each role sees it."""

from bench.scenarios import http


@http("home.manager1", user="manager1", about="GET / (home page: own work)")
def home(ctx) -> str:
    return "/"


@http("home.supervisor", user="supervisor", about="GET / (home page: the team's work)")
def home_supervisor(ctx) -> str:
    return "/"


@http("home.exec", user="exec", about="GET / (home page: company figures, 12-month sparklines)")
def home_exec(ctx) -> str:
    return "/"
