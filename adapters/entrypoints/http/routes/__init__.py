"""The JSON API's routes, one module per process (and the views and audit everyone reads).

A route module never imports another (import-linter keeps it so): what two processes' routes
share lives in `fields.py` and `..context`.
"""
