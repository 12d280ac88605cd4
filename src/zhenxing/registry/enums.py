from django.db import models


class SyncStatus(models.TextChoices):
    LOCAL = "local", "仅本系统"
    SYNCED = "synced", "已与全国系统一致"
    PENDING = "pending", "待同步"
    CONFLICT = "conflict", "与全国系统不一致"


class JoinReason(models.TextChoices):
    REGISTERED = "registered", "建档登记"
    BIRTH = "birth", "出生"
    MARRIAGE = "marriage", "婚入"
    MOVE_IN = "move_in", "迁入"
    SPLIT = "split", "分户"
    OTHER = "other", "其他"


class LeaveReason(models.TextChoices):
    DEATH = "death", "死亡"
    MARRIAGE = "marriage", "婚出"
    MOVE_OUT = "move_out", "迁出"
    SPLIT = "split", "分户"
    OTHER = "other", "其他"


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", "居民身份证"
    HOUSEHOLD_BOOK = "household_book", "户口簿"
    OTHER = "other", "其他证件"


class Sex(models.TextChoices):
    MALE = "男", "男"
    FEMALE = "女", "女"


POLITICAL_STATUSES = ("中共党员", "中共预备党员", "共青团员", "民主党派", "群众")
