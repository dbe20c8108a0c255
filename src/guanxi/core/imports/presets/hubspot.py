"""HubSpot: the CSV (or xlsx) files of "Export" on the companies, contacts and deals views.

HubSpot writes property labels as headers; internal enumeration values (``COMPUTER_SOFTWARE``)
appear when the export is made with internal names, so both spellings are mapped.
"""

from django.utils.translation import gettext_lazy as _

from guanxi.core.imports.presets import EntityPreset, Preset

INDUSTRY = {
    "Machinery": "manufacturing",
    "MACHINERY": "manufacturing",
    "Mechanical or Industrial Engineering": "manufacturing",
    "MECHANICAL_OR_INDUSTRIAL_ENGINEERING": "manufacturing",
    "Computer Software": "it",
    "COMPUTER_SOFTWARE": "it",
    "Information Technology and Services": "it",
    "INFORMATION_TECHNOLOGY_AND_SERVICES": "it",
    "Financial Services": "finance",
    "FINANCIAL_SERVICES": "finance",
    "Retail": "retail",
    "RETAIL": "retail",
    "Education Management": "education",
    "EDUCATION_MANAGEMENT": "education",
    "Hospital & Health Care": "healthcare",
    "HOSPITAL_HEALTH_CARE": "healthcare",
    "Construction": "construction",
    "CONSTRUCTION": "construction",
    "Logistics and Supply Chain": "logistics",
    "LOGISTICS_AND_SUPPLY_CHAIN": "logistics",
    "Oil & Energy": "energy",
    "OIL_ENERGY": "energy",
    "Food & Beverages": "catering",
    "FOOD_BEVERAGES": "catering",
}
SOURCE = {
    "Organic Search": "website",
    "ORGANIC_SEARCH": "website",
    "Direct Traffic": "website",
    "DIRECT_TRAFFIC": "website",
    "Paid Search": "advertising",
    "PAID_SEARCH": "advertising",
    "Paid Social": "advertising",
    "PAID_SOCIAL": "advertising",
    "Email Marketing": "campaign",
    "EMAIL_MARKETING": "campaign",
    "Social Media": "campaign",
    "SOCIAL_MEDIA": "campaign",
    "Other Campaigns": "campaign",
    "OTHER_CAMPAIGNS": "campaign",
    "Referrals": "referral",
    "REFERRALS": "referral",
    "Offline Sources": "other",
    "OFFLINE": "other",
}
LEAD_SOURCE = {
    "Organic Search": "web",
    "ORGANIC_SEARCH": "web",
    "Direct Traffic": "web",
    "DIRECT_TRAFFIC": "web",
    "Email Marketing": "campaign",
    "EMAIL_MARKETING": "campaign",
    "Other Campaigns": "campaign",
    "OTHER_CAMPAIGNS": "campaign",
    "Offline Sources": "import",
    "OFFLINE": "import",
}
COMMON = {"Record ID": "external_ref", "Create Date": "created_at"}

PRESET = Preset(
    key="hubspot",
    name="HubSpot",
    description=_("HubSpot exports of companies, contacts and deals."),
    entities={
        "customers": EntityPreset(
            columns={
                **COMMON,
                "Company name": "name",
                "Name": "name",
                "Industry": "industry",
                "Original Source": "source",
                "Original Source Type": "source",
                "Phone Number": "phone",
                "Website URL": "website",
                "Company Domain Name": "website",
                "Street Address": "address",
                "City": "city",
                "State/Region": "province",
                "Postal Code": "postcode",
                "Description": "notes",
                "Company owner": "owner",
            },
            values={"industry": INDUSTRY, "source": SOURCE},
        ),
        "contacts": EntityPreset(
            columns={
                **COMMON,
                "Associated Company": "customer",
                "Company Name": "customer",
                "Full Name": "name",
                "Name": "name",
                "Job Title": "title",
                "Phone Number": "office_phone",
                "Mobile Phone Number": "mobile",
                "Email": "email",
            }
        ),
        "leads": EntityPreset(
            columns={
                **COMMON,
                "Full Name": "name",
                "Name": "name",
                "Company Name": "company",
                "Phone Number": "phone",
                "Email": "email",
                "Original Source": "source",
                "Contact owner": "owner",
            },
            values={"source": LEAD_SOURCE},
        ),
        "opportunities": EntityPreset(
            columns={
                **COMMON,
                "Deal Name": "summary",
                "Associated Company": "prospect_name",
                "Amount": "expected_amount",
                "Close Date": "expected_close_date",
                "Deal probability": "probability",
                "Deal Stage": "status",
                "Deal owner": "assigned_to",
                "Deal Description": "description",
            },
            values={"status": {"Closed won": "won", "Closed lost": "lost"}},
        ),
        "deals": EntityPreset(
            columns={
                **COMMON,
                "Deal Name": "title",
                "Associated Company": "customer",
                "Amount": "amount",
                "Close Date": "expected_close_date",
                "Deal probability": "probability",
                "Deal Stage": "stage",
                "Deal owner": "owner",
            }
        ),
    },
)
