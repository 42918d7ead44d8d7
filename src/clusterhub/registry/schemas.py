"""Schemas of the registry that other apps' APIs show too (an organisation in a list)."""

from ninja import Field, Schema


class OrganisationRef(Schema):
    """An organisation as other records name it: enough to show and link it."""

    slug: str
    name: str
    kind: str
    is_sme: bool
    country: str = Field(alias="country_id", description="ISO 3166 code.")
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()
