"""Reference data: regions, hubs, commissioners, Programmes of Care and CRGs, all dated."""
