"""ifr-service: Individual Funding Requests and the Cancer Drugs Fund for NHS England."""

from ifr_service.app import create_app

__all__ = ["create_app"]
