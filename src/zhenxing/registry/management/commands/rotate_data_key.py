from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from zhenxing.audit import services as audit
from zhenxing.common.crypto import decrypt_id_number, is_under_current_key
from zhenxing.registry.identity import protect_id_number
from zhenxing.registry.models import Person

BATCH = 2000


class Command(BaseCommand):
    help = (
        "更换数据密钥：把证件号码密文和查询索引改为用当前 ZHENXING_DATA_KEY 生成。"
        "运行前把旧密钥放在 ZHENXING_DATA_KEY_PREVIOUS（逗号分隔）；可重复运行，已更换的行会跳过。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        rotated = last = 0
        while True:
            with transaction.atomic():
                people = list(
                    Person.objects.select_for_update()
                    .filter(pk__gt=last, id_number_encrypted__isnull=False)
                    .order_by("pk")[:BATCH]
                )
                if not people:
                    break
                changed = []
                for person in people:
                    blob = bytes(person.id_number_encrypted)  # type: ignore[arg-type]
                    if is_under_current_key(blob):
                        continue
                    protected = protect_id_number(decrypt_id_number(blob))
                    person.id_number_encrypted = protected.encrypted
                    person.id_number_index = protected.index
                    changed.append(person)
                Person.objects.bulk_update(changed, ["id_number_encrypted", "id_number_index"])
                rotated += len(changed)
                last = people[-1].pk
            self.stderr.write(f"\r已处理至 #{last}，已更换 {rotated}")
        with transaction.atomic():
            audit.record(
                actor=None,
                action="data_key.rotate",
                target=("registry.person", "*"),
                new={"rotated": rotated},
            )
        self.stdout.write(
            f"\n完成：{rotated} 条证件号码已改用当前密钥。确认无误后可去掉 ZHENXING_DATA_KEY_PREVIOUS。"
        )
