"""Who may do what: API tokens and the dashboard's server-side sessions."""
