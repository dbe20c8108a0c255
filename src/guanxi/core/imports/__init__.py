"""The import framework 数据导入: one way to bring any entity in from CSV or xlsx files.

``readers`` streams the rows of a file (UTF-8 or GBK CSV, xlsx), ``mapping`` matches its
headers to fields, ``registry`` holds each app's :class:`~guanxi.core.imports.registry.Importer`
(columns, related-record look-ups, the service call per row, the right needed), ``values``
turns cell texts into field values, ``report`` writes the downloadable report. The services
in ``core/services/imports.py`` drive a :class:`~guanxi.core.models.ImportJob` through them.
"""
