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


class IdConflictStatus(models.TextChoices):
    PENDING = "pending", "待处理"
    RESOLVED = "resolved", "已处理"


class IdConflictSource(models.TextChoices):
    EDIT = "edit", "修改人员信息"
    ADD = "add", "登记人员"
    IMPORT = "import", "台账导入"


class IdConflictOutcome(models.TextChoices):
    CONFIRMED = "confirmed", "号码属于新登记人（原登记人已更正），号码生效"
    WITHDRAWN = "withdrawn", "号码有误，已撤回（恢复原号码）"
    SUPERSEDED = "superseded", "录入人已改为其他号码"
