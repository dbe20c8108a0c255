"""Signals of the sales app for the apps that derive figures from sales records."""

from django.dispatch import Signal

# Sent (sender: Order) once a transaction that wrote orders dated before today has committed,
# e.g. a batch of imported order history; kwargs: ``count``. Receivers drop what they derived
# from past orders (report caches, daily rollups), since those orders were not there before.
past_orders_recorded = Signal()
