"""Work: project requirements, eligibility, claims (assignments with leases) and responses."""
