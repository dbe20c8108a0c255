"""Salesforce: the CSV files of Data Export / Data Loader (API names) and of reports (labels).

Both spellings of a header are listed (``AccountSource`` and ``Account Source``); a file
holds one of them. Salesforce keeps first and last names apart: export ``Full Name`` (or the
``Name`` field) for contacts and leads, or join the two columns before importing.
"""

from django.utils.translation import gettext_lazy as _

from guanxi.core.imports.presets import EntityPreset, Preset

# Values of the standard picklists, to dictionary entries (by code) and to choices.
INDUSTRY = {
    "Manufacturing": "manufacturing",
    "Technology": "it",
    "Communications": "it",
    "Electronics": "it",
    "Banking": "finance",
    "Finance": "finance",
    "Insurance": "finance",
    "Retail": "retail",
    "Apparel": "retail",
    "Consumer Goods": "retail",
    "Education": "education",
    "Healthcare": "healthcare",
    "Biotechnology": "healthcare",
    "Construction": "construction",
    "Engineering": "construction",
    "Transportation": "logistics",
    "Shipping": "logistics",
    "Energy": "energy",
    "Utilities": "energy",
    "Food & Beverage": "catering",
    "Hospitality": "catering",
    "Other": "other",
}
RATING = {"Hot": "key_prospect", "Warm": "ordinary", "Cold": "ordinary"}
SOURCE = {
    "Web": "website",
    "Phone Inquiry": "telemarketing",
    "Partner Referral": "referral",
    "Employee Referral": "referral",
    "External Referral": "referral",
    "Trade Show": "exhibition",
    "Advertisement": "advertising",
    "Seminar - Internal": "campaign",
    "Seminar - Partner": "campaign",
    "Purchased List": "other",
    "Other": "other",
}
LEAD_SOURCE = {
    "Web": "web",
    "Phone Inquiry": "manual",
    "Partner Referral": "manual",
    "Employee Referral": "manual",
    "Trade Show": "campaign",
    "Seminar - Internal": "campaign",
    "Seminar - Partner": "campaign",
    "Advertisement": "campaign",
    "Purchased List": "import",
    "Other": "manual",
}
SALUTATION = {"Mr.": "male", "Ms.": "female", "Mrs.": "female", "Miss": "female", "Dr.": ""}
STAGE = {"Closed Won": "won", "Closed Lost": "lost"}

CUSTOMERS = EntityPreset(
    columns={
        "Account ID": "external_ref",
        "Id": "external_ref",
        "Account Name": "name",
        "Name": "name",
        "Industry": "industry",
        "Rating": "level",
        "Account Source": "source",
        "AccountSource": "source",
        "Phone": "phone",
        "Website": "website",
        "Billing Street": "address",
        "BillingStreet": "address",
        "Billing City": "city",
        "BillingCity": "city",
        "Billing State/Province": "province",
        "BillingState": "province",
        "Billing Zip/Postal Code": "postcode",
        "BillingPostalCode": "postcode",
        "Description": "notes",
        "Account Owner": "owner",
        "OwnerId": "owner",
        "Created Date": "created_at",
        "CreatedDate": "created_at",
    },
    values={"industry": INDUSTRY, "level": RATING, "source": SOURCE},
)
CONTACTS = EntityPreset(
    columns={
        "Contact ID": "external_ref",
        "Id": "external_ref",
        "Account Name": "customer",
        "Account ID": "customer",
        "AccountId": "customer",
        "Full Name": "name",
        "Name": "name",
        "Salutation": "gender",
        "Title": "title",
        "Phone": "office_phone",
        "Mobile": "mobile",
        "MobilePhone": "mobile",
        "Email": "email",
        "Description": "notes",
        "Created Date": "created_at",
        "CreatedDate": "created_at",
    },
    values={"gender": SALUTATION},
)
LEADS = EntityPreset(
    columns={
        "Lead ID": "external_ref",
        "Id": "external_ref",
        "Full Name": "name",
        "Name": "name",
        "Company": "company",
        "Phone": "phone",
        "Email": "email",
        "Lead Source": "source",
        "LeadSource": "source",
        "Lead Owner": "owner",
        "OwnerId": "owner",
        "Description": "notes",
        "Created Date": "created_at",
        "CreatedDate": "created_at",
    },
    values={"source": LEAD_SOURCE},
)
OPPORTUNITIES = EntityPreset(
    columns={
        "Opportunity ID": "external_ref",
        "Id": "external_ref",
        "Opportunity Name": "summary",
        "Name": "summary",
        "Account Name": "prospect_name",
        "Amount": "expected_amount",
        "Close Date": "expected_close_date",
        "CloseDate": "expected_close_date",
        "Probability (%)": "probability",
        "Probability": "probability",
        "Stage": "status",
        "StageName": "status",
        "Opportunity Owner": "assigned_to",
        "OwnerId": "assigned_to",
        "Lead Source": "source",
        "LeadSource": "source",
        "Description": "description",
        "Created Date": "created_at",
        "CreatedDate": "created_at",
    },
    values={"source": SOURCE, "status": STAGE},
)
DEALS = EntityPreset(
    columns={
        "Opportunity ID": "external_ref",
        "Id": "external_ref",
        "Opportunity Name": "title",
        "Name": "title",
        "Account Name": "customer",
        "AccountId": "customer",
        "Amount": "amount",
        "Close Date": "expected_close_date",
        "CloseDate": "expected_close_date",
        "Probability (%)": "probability",
        "Probability": "probability",
        "Stage": "stage",
        "StageName": "stage",
        "Opportunity Owner": "owner",
        "OwnerId": "owner",
        "Created Date": "created_at",
        "CreatedDate": "created_at",
    }
)

PRESET = Preset(
    key="salesforce",
    name="Salesforce",
    description=_("Salesforce CSV exports (Data Export, Data Loader or reports)."),
    entities={
        "customers": CUSTOMERS,
        "contacts": CONTACTS,
        "leads": LEADS,
        "opportunities": OPPORTUNITIES,
        "deals": DEALS,
    },
)
