"""Sales 营销管理 (SPEC §3): one module per subject, re-exported here."""
