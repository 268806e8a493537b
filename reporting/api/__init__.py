"""REST API v1 (Django REST framework, documented by drf-spectacular): one view per operation.

Each module maps HTTP to the services and selectors of intake, watch, progress
and excel and their answers back to HTTP, with its own input and output
serializers (serializers.py); errors.py words every refusal the same way.

May import: everything in reporting. Nothing in reporting imports api.
"""
