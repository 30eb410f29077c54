from django.apps import AppConfig


class RepublicationConfig(AppConfig):
    name = "republication"
    verbose_name = "Republication"
