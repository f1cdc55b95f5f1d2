"""The `reports` Django app: a Report model, the task that builds a report, and the API views."""
