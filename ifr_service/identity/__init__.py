"""Signing in through OpenID Connect: the service as a relying party of the national identity
provider, how a provider's claims become a user of this service, and the development provider."""
