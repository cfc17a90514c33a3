"""Cases: IFR (and later CDF) applications from draft to decision."""
