"""Page-number pagination shared by every list endpoint."""

from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """``?page=2&page_size=50``; answers ``count``, ``next``, ``previous`` and ``results``.

    ``page_size`` above the cap is reduced to the cap rather than refused, so a client asking
    for "everything" gets the largest page instead of an error.
    """

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            # Declaring the bounds lets clients (and schemathesis) send sensible values.
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters
