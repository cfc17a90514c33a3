"""Treatment from the Systemic Anti-Cancer Therapy (SACT) dataset: a monthly SACT-shaped extract
imported and matched to funding authorisations (docs/after-approval/sact.md)."""
