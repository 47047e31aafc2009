"""The questionnaire API (views.py, serializers.py); routes in surveys/api_urls.py."""
