"""Pages of the accounts app: sign-in and own profile (auth), and the administration of users,
teams and roles (only for holders of ``accounts.manage_accounts``)."""
