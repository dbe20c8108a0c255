"""Zoho CRM: the CSV files of Export (Setup › Data Administration › Export, or a module's
"Export" action): Accounts, Contacts, Leads and Deals, headed with the fields' labels."""

from django.utils.translation import gettext_lazy as _

from guanxi.core.imports.presets import EntityPreset, Preset

SOURCE = {
    "Advertisement": "advertising",
    "Cold Call": "telemarketing",
    "Employee Referral": "referral",
    "External Referral": "referral",
    "Partner": "referral",
    "Trade Show": "exhibition",
    "Seminar Partner": "campaign",
    "Internal Seminar": "campaign",
    "Web Download": "website",
    "Web Research": "website",
    "Online Store": "website",
    "Chat": "website",
    "Public Relations": "other",
}
LEAD_SOURCE = {
    "Web Download": "web",
    "Web Research": "web",
    "Online Store": "web",
    "Chat": "web",
    "Advertisement": "campaign",
    "Trade Show": "campaign",
    "Seminar Partner": "campaign",
    "Internal Seminar": "campaign",
    "Cold Call": "manual",
    "Employee Referral": "manual",
    "External Referral": "manual",
}
RATING = {
    "Acquired": "major",
    "Active": "ordinary",
    "Market Failed": "ordinary",
    "Project Cancelled": "ordinary",
    "Shut Down": "ordinary",
}
INDUSTRY = {
    "Manufacturing": "manufacturing",
    "ERP (Enterprise Resource Planning)": "it",
    "ASP (Application Service Provider)": "it",
    "Data/Telecom OEM": "it",
    "Large Enterprise": "other",
    "Government/Military": "other",
    "Non-management ISV": "it",
    "MSP (Management Service Provider)": "it",
    "Network Equipment (Enterprise)": "it",
    "Optical Networking": "it",
    "Service Provider": "other",
    "Small/Medium Enterprise": "other",
    "Storage Equipment": "it",
    "Storage Service Provider": "it",
    "Systems Integrator": "it",
    "Wireless Industry": "it",
}
COMMON = {"Record Id": "external_ref", "Created Time": "created_at"}

PRESET = Preset(
    key="zoho",
    name="Zoho CRM",
    description=_("Zoho CRM exports of accounts, contacts, leads and deals."),
    entities={
        "customers": EntityPreset(
            columns={
                **COMMON,
                "Account Name": "name",
                "Account Owner": "owner",
                "Industry": "industry",
                "Rating": "level",
                "Phone": "phone",
                "Website": "website",
                "Billing Street": "address",
                "Billing City": "city",
                "Billing State": "province",
                "Billing Code": "postcode",
                "Description": "notes",
                "Tag": "tags",
            },
            values={"industry": INDUSTRY, "level": RATING},
        ),
        "contacts": EntityPreset(
            columns={
                **COMMON,
                "Account Name": "customer",
                "Full Name": "name",
                "Contact Name": "name",
                "Salutation": "gender",
                "Title": "title",
                "Phone": "office_phone",
                "Mobile": "mobile",
                "Email": "email",
                "Description": "notes",
            },
            values={"gender": {"Mr.": "male", "Mrs.": "female", "Ms.": "female"}},
        ),
        "leads": EntityPreset(
            columns={
                **COMMON,
                "Full Name": "name",
                "Lead Name": "name",
                "Company": "company",
                "Phone": "phone",
                "Email": "email",
                "Lead Source": "source",
                "Lead Owner": "owner",
                "Description": "notes",
            },
            values={"source": LEAD_SOURCE},
        ),
        "opportunities": EntityPreset(
            columns={
                **COMMON,
                "Deal Name": "summary",
                "Account Name": "prospect_name",
                "Contact Name": "contact",
                "Amount": "expected_amount",
                "Closing Date": "expected_close_date",
                "Probability (%)": "probability",
                "Stage": "status",
                "Deal Owner": "assigned_to",
                "Lead Source": "source",
                "Description": "description",
            },
            values={
                "source": SOURCE,
                "status": {"Closed Won": "won", "Closed Lost": "lost"},
            },
        ),
        "deals": EntityPreset(
            columns={
                **COMMON,
                "Deal Name": "title",
                "Account Name": "customer",
                "Amount": "amount",
                "Closing Date": "expected_close_date",
                "Probability (%)": "probability",
                "Stage": "stage",
                "Deal Owner": "owner",
            }
        ),
    },
)
