"""What akkoord is told: settings from options and the environment, and logging.

Imports nothing of the project but domain errors, so every other room may use it."""
