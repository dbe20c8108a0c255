"""The registry of periodic jobs that ``guanxi scheduler`` enqueues (daily, hourly)."""
