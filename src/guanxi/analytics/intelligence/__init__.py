"""The customer-intelligence models as plain functions on numbers (numpy/pandas in, results
out): no database, no Django. ``analytics.services`` gathers the history, calls them and
stores what they return; their tests feed them known answers."""
