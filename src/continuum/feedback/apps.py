from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "continuum.feedback"
    verbose_name = "Feedback"
