"""Imports of the service app: service requests 服务请求 (``requests``)."""
