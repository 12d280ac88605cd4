"""Enumerations shared by several apps."""

from django.db import models


class Department(models.TextChoices):
    """The ten departments that share data (P10); the ASCII code is used in URLs, files and API keys."""

    MEDICAL_INSURANCE = "medical_insurance", "医保局"
    CIVIL_AFFAIRS = "civil_affairs", "民政局"
    EDUCATION = "education", "教育局"
    HOUSING = "housing", "住建局"
    WATER = "water", "水务局"
    DISABILITY = "disability", "残联"
    EMERGENCY = "emergency", "应急管理局"
    HUMAN_RESOURCES = "human_resources", "人社局"
    HEALTH = "health", "卫健委"
    PUBLIC_SECURITY = "public_security", "公安局"
