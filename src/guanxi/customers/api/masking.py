"""Field protection in the API: serializers of customers and contacts show what the caller may see.

A masked field reads masked (``"138****8000"``), a hidden one is left out of the record, in
details, lists and search results alike. On an update both are read-only for that caller, so a
client that sends back what it read can never overwrite the stored value with its mask; a
create still accepts them, as there is nothing yet to overwrite.
"""

from guanxi.customers import masking


# For a ModelSerializer of a model with protectable fields (customer, contact). No docstring on
# purpose: drf-spectacular would take it as the description of every serializer using it.
class ProtectedFieldsMixin:
    def _viewer(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    def get_fields(self):
        fields = super().get_fields()
        viewer = self._viewer()
        if viewer is None or self.instance is None:
            return fields
        for name in masking.protected_fields(viewer, self.Meta.model):
            if name in fields:
                fields[name].read_only = True
                fields[name].required = False
        return fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        viewer = self._viewer()
        if viewer is None:
            return data
        shown = masking.protect_data(viewer, self.Meta.model, data)
        request = self.context.get("request")
        prefix = masking.field_key(self.Meta.model, "")
        for key in masking.watched_fields(viewer):
            if key.startswith(prefix):
                name = key[len(prefix) :]
                masking.note_unmasked(request, viewer, instance, name, shown.get(name))
        return shown
