"""Who may work on a project: requirements, the eligibility explainer, the work list."""
