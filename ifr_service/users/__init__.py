"""People who use the service, their roles, and how a request says who it comes from."""
